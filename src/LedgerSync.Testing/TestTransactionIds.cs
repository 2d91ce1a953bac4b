using System.Buffers.Binary;

namespace LedgerSync.Testing;

/// <summary>
/// Deterministic transaction IDs for tests, samples and benchmarks (real IDs are content hashes,
/// <see cref="TransactionId.HashOf"/>).
/// </summary>
public static class TestTransactionIds
{
    /// <summary>Creates an ID from 32 bytes drawn from <paramref name="random"/> (the same seed gives the same sequence of IDs).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is <see langword="null"/>.</exception>
    public static TransactionId FromRandom(Random random) => TransactionId.Random(random);

    /// <summary>Creates <paramref name="count"/> IDs drawn from <c>new Random(seed)</c> (distinct with overwhelming probability).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static IReadOnlyList<TransactionId> FromSeed(int seed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var ids = new TransactionId[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = TransactionId.Random(random);
        }

        return ids;
    }

    /// <summary>
    /// Creates the ID whose last 8 bytes are <paramref name="number"/> (big-endian) and whose other bytes are zero:
    /// readable in test failures (its hex form ends with the number in hex) and distinct for distinct numbers.
    /// </summary>
    public static TransactionId Sequential(long number)
    {
        Span<byte> bytes = stackalloc byte[TransactionId.Size];
        bytes.Clear();
        BinaryPrimitives.WriteInt64BigEndian(bytes[(TransactionId.Size - sizeof(long))..], number);
        return new TransactionId(bytes);
    }
}
