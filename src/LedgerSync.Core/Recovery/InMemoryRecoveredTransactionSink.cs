using System.Collections.Concurrent;

namespace LedgerSync.Recovery;

/// <summary>
/// An <see cref="IRecoveredTransactionSink"/> that keeps recovered transactions in memory (a copy of each payload), for
/// tests and samples. Idempotent: storing an ID again accepts it and keeps the first copy. Thread-safe.
/// </summary>
public sealed class InMemoryRecoveredTransactionSink : IRecoveredTransactionSink
{
    private readonly ConcurrentDictionary<TransactionId, byte[]> _stored = new();
    private long _calls;

    /// <summary>The stored transactions' payloads by ID.</summary>
    public IReadOnlyDictionary<TransactionId, byte[]> Stored => _stored;

    /// <summary>How many times <see cref="StoreAsync"/> was called (at least once per stored ID).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <inheritdoc />
    public ValueTask<RecoveredTransactionResult> StoreAsync(RecoveredTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        Interlocked.Increment(ref _calls);
        _stored.TryAdd(transaction.Id, transaction.Payload.ToArray());
        return ValueTask.FromResult(RecoveredTransactionResult.Accepted);
    }
}
