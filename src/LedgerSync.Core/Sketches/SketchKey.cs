using System.Buffers.Binary;
using System.Security.Cryptography;

namespace LedgerSync.Sketches;

/// <summary>
/// The 128-bit secret that keys every hash of a sketch (the mapping of IDs to coded symbols and the purity
/// checksum), so that a third party who knows the algorithm cannot craft IDs that collide or poison a
/// reconciliation. Both sides of one reconciliation must use the same key; the responder chooses it.
/// </summary>
public readonly struct SketchKey : IEquatable<SketchKey>
{
    /// <summary>The number of bytes in a key.</summary>
    public const int Size = 16;

    internal SketchKey(ulong k0, ulong k1)
    {
        K0 = k0;
        K1 = k1;
    }

    /// <summary>Creates a key from exactly 16 bytes (two little-endian 64-bit words).</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 16 bytes long.</exception>
    public SketchKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A sketch key is {Size} bytes; got {bytes.Length}.", nameof(bytes));
        }

        K0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        K1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
    }

    internal ulong K0 { get; }

    internal ulong K1 { get; }

    /// <summary>Creates a key from a cryptographically secure random number generator.</summary>
    public static SketchKey CreateRandom()
    {
        Span<byte> bytes = stackalloc byte[Size];
        RandomNumberGenerator.Fill(bytes);
        return new SketchKey(bytes);
    }

    /// <summary>
    /// Creates a key from <paramref name="random"/> (not secret). Internal: tests and benchmarks reach it through
    /// the LedgerSync.Testing package (<c>TestSketchKeys</c>).
    /// </summary>
    internal static SketchKey FromRandom(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[Size];
        random.NextBytes(bytes);
        return new SketchKey(bytes);
    }

    /// <summary>Writes the 16 bytes of this key to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 16 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"The destination needs {Size} bytes; it has {destination.Length}.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, K0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], K1);
    }

    /// <summary>Returns a placeholder: a key is a secret and is never printed.</summary>
    public override string ToString() => "SketchKey(secret)";

    /// <inheritdoc />
    public bool Equals(SketchKey other) => K0 == other.K0 && K1 == other.K1;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SketchKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(K0, K1);

    /// <summary>Equality.</summary>
    public static bool operator ==(SketchKey left, SketchKey right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SketchKey left, SketchKey right) => !left.Equals(right);
}
