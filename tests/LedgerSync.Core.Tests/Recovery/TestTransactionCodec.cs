using System.Collections.Concurrent;
using System.Text;
using LedgerSync.Ledger;
using LedgerSync.Recovery;

namespace LedgerSync.Tests.Recovery;

/// <summary>
/// A host's transaction format for recovery tests: UTF-8 lines "id", "dep,dep", "party|party", then padding. The decoder
/// throws <see cref="FormatException"/> for anything else, as a host's decoder would.
/// </summary>
internal sealed class TestTransactionCodec : ITransactionDecoder
{
    public static TestTransactionCodec Instance { get; } = new();

    public static byte[] Encode(TransactionMetadata transaction, int padding = 0)
    {
        var text = $"{transaction.Id}\n{string.Join(",", transaction.Dependencies)}\n{string.Join("|", transaction.Participants)}\n{new string('x', padding)}";
        return Encoding.UTF8.GetBytes(text);
    }

    public TransactionMetadata Decode(ReadOnlyMemory<byte> bytes)
    {
        var lines = Encoding.UTF8.GetString(bytes.Span).Split('\n');
        if (lines.Length != 4 || !TransactionId.TryParse(lines[0], out var id))
        {
            throw new FormatException("not a test transaction");
        }

        var dependencies = lines[1].Length == 0 ? [] : lines[1].Split(',').Select(TransactionId.Parse).ToArray();
        var participants = lines[2].Split('|').Select(PartyName.Parse).ToArray();
        return new TransactionMetadata(id, [.. dependencies], [.. participants]);
    }
}

/// <summary>A payload source over a dictionary that counts how often each ID is opened.</summary>
internal sealed class CountingPayloadSource : ITransactionPayloadSource
{
    private readonly ConcurrentDictionary<TransactionId, byte[]> _payloads = new();

    public ConcurrentDictionary<TransactionId, int> Opened { get; } = new();

    public int TotalOpened => Opened.Values.Sum();

    public void Add(TransactionId id, byte[] payload) => _payloads[id] = payload;

    public ValueTask<TransactionPayload?> OpenAsync(TransactionId id, CancellationToken cancellationToken = default)
    {
        Opened.AddOrUpdate(id, 1, (_, n) => n + 1);
        return ValueTask.FromResult(_payloads.TryGetValue(id, out var payload) ? TransactionPayload.FromBytes(payload) : null);
    }
}

/// <summary>A sink that stores like the in-memory one but can be told to reject IDs, and counts calls per ID.</summary>
internal sealed class RecordingSink : IRecoveredTransactionSink
{
    public ConcurrentDictionary<TransactionId, byte[]> Stored { get; } = new();

    public ConcurrentDictionary<TransactionId, int> Calls { get; } = new();

    public HashSet<TransactionId> RejectIds { get; } = [];

    public ValueTask<RecoveredTransactionResult> StoreAsync(RecoveredTransaction transaction, CancellationToken cancellationToken = default)
    {
        Calls.AddOrUpdate(transaction.Id, 1, (_, n) => n + 1);
        if (RejectIds.Contains(transaction.Id))
        {
            return ValueTask.FromResult(RecoveredTransactionResult.Rejected("the host's own checks failed"));
        }

        Stored.TryAdd(transaction.Id, transaction.Payload.ToArray());
        return ValueTask.FromResult(RecoveredTransactionResult.Accepted);
    }
}
