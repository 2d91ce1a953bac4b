using System.Runtime.CompilerServices;

namespace LedgerSync.Sketches;

/// <summary>
/// One coded symbol of a rateless invertible Bloom filter: the XOR of the IDs mapped to it, the XOR of their
/// keyed checksums, and how many IDs it holds.
/// </summary>
/// <remarks>
/// Symbols produced by <see cref="RatelessEncoder"/> carry the exact count. The count is not sent on the wire
/// (symbols read from the wire have count 0) and <see cref="RatelessDecoder"/> does not use it: the requester
/// tells the side of a recovered ID by its own set membership (see docs/sketches.md).
/// </remarks>
internal struct CodedSymbol : IEquatable<CodedSymbol>
{
    // Fields rather than properties: the encoder and the decoder update them in place in flat arrays.
    internal ulong S0;
    internal ulong S1;
    internal ulong S2;
    internal ulong S3;
    internal uint Check;
    internal int Cnt;

    /// <summary>Creates a symbol from its parts.</summary>
    public CodedSymbol(TransactionId sum, uint checksum, int count)
    {
        S0 = sum.Word0;
        S1 = sum.Word1;
        S2 = sum.Word2;
        S3 = sum.Word3;
        Check = checksum;
        Cnt = count;
    }

    /// <summary>The XOR of the IDs mapped to this symbol.</summary>
    public readonly TransactionId Sum => new(S0, S1, S2, S3);

    /// <summary>The XOR of the keyed checksums of the IDs mapped to this symbol.</summary>
    public readonly uint Checksum => Check;

    /// <summary>The number of IDs mapped to this symbol (0 when read from the wire, where it is not sent).</summary>
    public readonly int Count => Cnt;

    /// <summary>Whether the sum and the checksum are zero (the count is not looked at).</summary>
    internal readonly bool IsEmpty
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (S0 | S1 | S2 | S3 | Check) == 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Toggle(ulong w0, ulong w1, ulong w2, ulong w3, uint checksum, int delta)
    {
        S0 ^= w0;
        S1 ^= w1;
        S2 ^= w2;
        S3 ^= w3;
        Check ^= checksum;
        Cnt += delta;
    }

    /// <inheritdoc />
    public readonly bool Equals(CodedSymbol other) =>
        S0 == other.S0 && S1 == other.S1 && S2 == other.S2 && S3 == other.S3 && Check == other.Check && Cnt == other.Cnt;

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is CodedSymbol other && Equals(other);

    /// <inheritdoc />
    public override readonly int GetHashCode() => HashCode.Combine(S0, S3, Check, Cnt);

    /// <inheritdoc />
    public override readonly string ToString() => $"CodedSymbol(sum={Sum}, checksum={Check:X8}, count={Cnt})";

    /// <summary>Equality.</summary>
    public static bool operator ==(CodedSymbol left, CodedSymbol right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(CodedSymbol left, CodedSymbol right) => !left.Equals(right);
}
