using System.Buffers.Binary;
using System.Collections.Immutable;
using LedgerSync.Ledger;

namespace LedgerSync.Benchmarks.Ledger;

/// <summary>
/// The benchmark ledger, generated from a fixed seed: transactions in dependency order, each with 2 dependencies
/// (drawn from the previous 10,000 transactions) and 2–3 participants from 50 parties. Party 0 is the local node and
/// party 1 the counterparty; 10% of transactions involve both (the shared ones), the rest never both.
/// </summary>
internal sealed class LedgerShape
{
    public const int PartyCount = 50;
    public const double SharedFraction = 0.10;
    private const int DependencyWindow = 10_000;

    private readonly Random _random;
    private int _next;

    public LedgerShape(int seed = 20_260_101)
    {
        _random = new Random(seed);
        Parties = [.. Enumerable.Range(0, PartyCount).Select(i => PartyName.Parse($"O=Party{i:D2}, L=London, C=GB"))];
    }

    public PartyName[] Parties { get; }

    public PartyName Local => Parties[0];

    public PartyName Counterparty => Parties[1];

    public static TransactionId Id(int number)
    {
        // Hash-like IDs: key order differs from dependency order, as with real SHA-256 IDs.
        Span<byte> bytes = stackalloc byte[TransactionId.Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Mix((ulong)number));
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Mix((ulong)number + 1));
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], Mix((ulong)number + 2));
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], (ulong)number);
        return new TransactionId(bytes);
    }

    public TransactionMetadata Next()
    {
        var i = _next++;
        var dependencies = i switch
        {
            0 => ImmutableArray<TransactionId>.Empty,
            1 => [Id(0)],
            _ => PickDependencies(i),
        };

        return new TransactionMetadata(Id(i), dependencies, PickParticipants());
    }

    public IEnumerable<TransactionMetadata> Take(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    private ImmutableArray<TransactionId> PickDependencies(int i)
    {
        var low = Math.Max(0, i - DependencyWindow);
        var a = _random.Next(low, i);
        int b;
        do
        {
            b = _random.Next(low, i);
        }
        while (b == a);
        return [Id(a), Id(b)];
    }

    private ImmutableArray<PartyName> PickParticipants()
    {
        if (_random.NextDouble() < SharedFraction)
        {
            return _random.Next(2) == 0 ? [Parties[0], Parties[1]] : [Parties[0], Parties[1], Parties[_random.Next(2, PartyCount)]];
        }

        // Never both party 0 and party 1.
        var count = _random.Next(2, 4);
        var chosen = new HashSet<int>();
        var excluded = _random.Next(2) == 0 ? 0 : 1;
        while (chosen.Count < count)
        {
            var party = _random.Next(PartyCount);
            if (party != excluded)
            {
                chosen.Add(party);
            }
        }

        return [.. chosen.Select(p => Parties[p])];
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
