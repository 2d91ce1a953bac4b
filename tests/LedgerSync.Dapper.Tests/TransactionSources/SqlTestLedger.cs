using System.Buffers.Binary;
using LedgerSync.Ledger;

namespace LedgerSync.Tests.TransactionSources;

/// <summary>Random ledgers from fixed seeds for the SQL source tests.</summary>
internal static class SqlTestLedger
{
    public static TransactionId Id(int number)
    {
        // Spread IDs over the key space so that key order differs from creation (dependency) order.
        Span<byte> bytes = stackalloc byte[TransactionId.Size];
        bytes.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(bytes, unchecked((uint)number * 2654435761u));
        BinaryPrimitives.WriteInt32BigEndian(bytes[28..], number);
        return new TransactionId(bytes);
    }

    public static PartyName Party(int number) => number == 0
        ? PartyName.Parse("O=Local, L=London, C=GB")
        : PartyName.Parse($"O=Party{number:D2}, L=Zurich, C=CH");

    public static List<TransactionMetadata> Random(int seed, int count)
    {
        var random = new Random(seed);
        var ledger = new List<TransactionMetadata>(count);
        for (var i = 0; i < count; i++)
        {
            var dependencies = Enumerable.Range(0, i == 0 ? 0 : random.Next(0, 3)).Select(_ => Id(random.Next(0, i))).Distinct();
            var participants = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Party(random.Next(0, 5))).Distinct();
            ledger.Add(new TransactionMetadata(Id(i), [.. dependencies], [.. participants]));
        }

        return ledger;
    }

    public static HashSet<TransactionId> ExpectedRelevantSet(List<TransactionMetadata> ledger, PartyName local, PartyName counterparty)
    {
        var byId = ledger.ToDictionary(t => t.Id);
        var result = new HashSet<TransactionId>();
        var pending = new Stack<TransactionId>(ledger.Where(t => t.Participants.Contains(local) && t.Participants.Contains(counterparty)).Select(t => t.Id));
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (byId.TryGetValue(id, out var transaction) && result.Add(id))
            {
                foreach (var dependency in transaction.Dependencies)
                {
                    pending.Push(dependency);
                }
            }
        }

        return result;
    }
}
