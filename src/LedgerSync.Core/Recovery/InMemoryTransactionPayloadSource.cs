using System.Collections.Concurrent;

namespace LedgerSync.Recovery;

/// <summary>An <see cref="ITransactionPayloadSource"/> over payloads held in memory, for tests, samples and small nodes. Thread-safe.</summary>
public sealed class InMemoryTransactionPayloadSource : ITransactionPayloadSource
{
    private readonly ConcurrentDictionary<TransactionId, ReadOnlyMemory<byte>> _payloads = new();

    /// <summary>The number of payloads held.</summary>
    public int Count => _payloads.Count;

    /// <summary>Adds or replaces the payload of <paramref name="id"/>.</summary>
    public void Add(TransactionId id, ReadOnlyMemory<byte> payload) => _payloads[id] = payload;

    /// <summary>Removes the payload of <paramref name="id"/>; returns whether there was one.</summary>
    public bool Remove(TransactionId id) => _payloads.TryRemove(id, out _);

    /// <inheritdoc />
    public ValueTask<TransactionPayload?> OpenAsync(TransactionId id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_payloads.TryGetValue(id, out var payload) ? TransactionPayload.FromBytes(payload) : null);
}
