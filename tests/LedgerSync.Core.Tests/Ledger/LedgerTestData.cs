using System.Buffers.Binary;
using System.Collections.Immutable;
using LedgerSync.Ledger;

namespace LedgerSync.Tests.Ledger;

/// <summary>Builders for ledger graph tests: numbered IDs, parties and random ledgers from fixed seeds.</summary>
internal static class LedgerTestData
{
    public static readonly PartyName Local = PartyName.Parse("O=Local, L=London, C=GB");
    public static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    public static readonly PartyName PartyC = PartyName.Parse("O=PartyC, L=Paris, C=FR");

    public static TransactionId Id(int number)
    {
        Span<byte> bytes = stackalloc byte[TransactionId.Size];
        bytes.Clear();
        BinaryPrimitives.WriteInt32BigEndian(bytes[28..], number);
        bytes[0] = 0xA0;
        return new TransactionId(bytes);
    }

    public static TransactionMetadata Tx(int number, int[] dependencies, params PartyName[] participants) =>
        new(Id(number), [.. dependencies.Select(Id)], [.. participants]);

    public static LedgerGraph NewGraph(int pageSize = 100, int poolSize = 5, TimeProvider? timeProvider = null) =>
        new(new LedgerSyncOptions { LocalParty = Local, TransactionReaderPageSize = pageSize, TransactionReaderPoolSize = poolSize }, timeProvider);

    public static PartyName Party(int number) => PartyName.Parse($"O=Party{number:D3}, L=London, C=GB");

    /// <summary>A random DAG in topological order: each transaction depends on up to 3 earlier ones and names 1–3 of <paramref name="partyCount"/> parties (party 0 is <see cref="Local"/>).</summary>
    public static List<TransactionMetadata> RandomLedger(int seed, int count, int partyCount = 6)
    {
        var random = new Random(seed);
        var parties = Enumerable.Range(0, partyCount).Select(i => i == 0 ? Local : Party(i)).ToArray();
        var ledger = new List<TransactionMetadata>(count);
        for (var i = 0; i < count; i++)
        {
            var dependencies = Enumerable.Range(0, i == 0 ? 0 : random.Next(0, 4)).Select(_ => random.Next(0, i)).Distinct().ToArray();
            var participants = Enumerable.Range(0, random.Next(1, 4)).Select(_ => parties[random.Next(partyCount)]).Distinct().ToArray();
            ledger.Add(Tx(i, dependencies, participants));
        }

        return ledger;
    }

    /// <summary>The relevant set computed the obvious way, for comparison.</summary>
    public static HashSet<TransactionId> ExpectedRelevantSet(IEnumerable<TransactionMetadata> ledger, PartyName local, PartyName counterparty)
    {
        var byId = ledger.ToDictionary(t => t.Id);
        var result = new HashSet<TransactionId>();
        var pending = new Stack<TransactionId>(byId.Values.Where(t => t.Participants.Contains(local) && t.Participants.Contains(counterparty)).Select(t => t.Id));
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (!byId.TryGetValue(id, out var transaction) || !result.Add(id))
            {
                continue;
            }

            foreach (var dependency in transaction.Dependencies)
            {
                pending.Push(dependency);
            }
        }

        return result;
    }

    public static ImmutableArray<T> Array<T>(params T[] items) => [.. items];
}
