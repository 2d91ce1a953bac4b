using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace LedgerSync;

/// <summary>
/// The identity of a ledger transaction: 32 bytes (a SHA-256 hash). Formatted as 64 upper-case hexadecimal
/// digits and parsed from hexadecimal case-insensitively.
/// </summary>
[SkipLocalsInit]
public readonly struct TransactionId : IEquatable<TransactionId>, IComparable<TransactionId>, ISpanFormattable, ISpanParsable<TransactionId>
{
    /// <summary>The number of bytes in a transaction ID.</summary>
    public const int Size = 32;

    /// <summary>The number of characters in the hexadecimal form.</summary>
    public const int HexLength = Size * 2;

    // Stored as four big-endian words so that ordering by (W0, W1, W2, W3) equals byte-wise ordering.
    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    internal TransactionId(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>Creates a transaction ID from exactly 32 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public TransactionId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A transaction ID is {Size} bytes; got {bytes.Length}.", nameof(bytes));
        }

        _w0 = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _w1 = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _w2 = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _w3 = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>The all-zero ID. It is never the hash of a real transaction.</summary>
    public static TransactionId Empty => default;

    internal ulong Word0 => _w0;

    internal ulong Word1 => _w1;

    internal ulong Word2 => _w2;

    internal ulong Word3 => _w3;

    /// <summary>Returns the SHA-256 hash of <paramref name="data"/> as a transaction ID.</summary>
    public static TransactionId HashOf(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[Size];
        SHA256.HashData(data, hash);
        return new TransactionId(hash);
    }

    /// <summary>
    /// Creates a transaction ID from 32 bytes drawn from <paramref name="random"/>. Internal: tests and benchmarks
    /// reach it through the LedgerSync.Testing package (<c>TestTransactionIds</c>).
    /// </summary>
    internal static TransactionId Random(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[Size];
        random.NextBytes(bytes);
        return new TransactionId(bytes);
    }

    /// <summary>Writes the 32 bytes of this ID to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"The destination needs {Size} bytes; it has {destination.Length}.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>Returns the 32 bytes of this ID as a new array.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Parses 64 hexadecimal digits (either case).</summary>
    /// <exception cref="FormatException">The text is not 64 hexadecimal digits; the message quotes it.</exception>
    public static TransactionId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    /// <summary>Parses 64 hexadecimal digits (either case).</summary>
    /// <exception cref="FormatException">The text is not 64 hexadecimal digits; the message quotes it.</exception>
    public static TransactionId Parse(ReadOnlySpan<char> text)
    {
        if (TryParse(text, out var id))
        {
            return id;
        }

        var quoted = text.Length > 100 ? string.Concat(text[..100], "...") : text.ToString();
        if (text.Length != HexLength)
        {
            throw new FormatException(
                $"'{quoted}' is not a transaction ID: expected {HexLength} hexadecimal digits, got {text.Length} characters.");
        }

        var bad = 0;
        while (char.IsAsciiHexDigit(text[bad]))
        {
            bad++;
        }

        throw new FormatException(
            $"'{quoted}' is not a transaction ID: '{text[bad]}' at position {bad + 1} is not a hexadecimal digit.");
    }

    /// <summary>Tries to parse 64 hexadecimal digits (either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TransactionId id)
    {
        id = default;
        if (text.Length != HexLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        id = new TransactionId(bytes);
        return true;
    }

    /// <summary>Tries to parse 64 hexadecimal digits (either case).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TransactionId id)
    {
        if (text is null)
        {
            id = default;
            return false;
        }

        return TryParse(text.AsSpan(), out id);
    }

    static TransactionId IParsable<TransactionId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<TransactionId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out TransactionId result) =>
        TryParse(s, out result);

    static TransactionId ISpanParsable<TransactionId>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<TransactionId>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out TransactionId result) =>
        TryParse(s, out result);

    /// <summary>Returns the 64 upper-case hexadecimal digits of this ID.</summary>
    public override string ToString() => string.Create(HexLength, this, static (chars, id) => id.TryFormat(chars, out _));

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Writes the 64 upper-case hexadecimal digits of this ID.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < HexLength)
        {
            charsWritten = 0;
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        Convert.TryToHexString(bytes, destination, out charsWritten);
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <inheritdoc />
    public bool Equals(TransactionId other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is TransactionId other && Equals(other);

    /// <inheritdoc />
    // The ID is a cryptographic hash: its words are already uniformly distributed.
    public override int GetHashCode() => (int)(_w0 ^ (_w0 >> 32) ^ _w3);

    /// <summary>Compares byte-wise (the same order as the hexadecimal strings).</summary>
    public int CompareTo(TransactionId other)
    {
        var c = _w0.CompareTo(other._w0);
        if (c != 0)
        {
            return c;
        }

        c = _w1.CompareTo(other._w1);
        if (c != 0)
        {
            return c;
        }

        c = _w2.CompareTo(other._w2);
        return c != 0 ? c : _w3.CompareTo(other._w3);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(TransactionId left, TransactionId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(TransactionId left, TransactionId right) => !left.Equals(right);

    /// <summary>Byte-wise ordering.</summary>
    public static bool operator <(TransactionId left, TransactionId right) => left.CompareTo(right) < 0;

    /// <summary>Byte-wise ordering.</summary>
    public static bool operator >(TransactionId left, TransactionId right) => left.CompareTo(right) > 0;

    /// <summary>Byte-wise ordering.</summary>
    public static bool operator <=(TransactionId left, TransactionId right) => left.CompareTo(right) <= 0;

    /// <summary>Byte-wise ordering.</summary>
    public static bool operator >=(TransactionId left, TransactionId right) => left.CompareTo(right) >= 0;

}
