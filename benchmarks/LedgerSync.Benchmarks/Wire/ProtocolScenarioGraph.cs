using LedgerSync.Ledger;

namespace LedgerSync.Benchmarks.Wire;

/// <summary>A ledger graph holding one relevant set (for one counterparty), so the protocol scenario runs without building a full graph of 1M transactions.</summary>
internal sealed class ProtocolScenarioGraph(PartyName counterparty, IEnumerable<TransactionId> ids) : ILedgerGraph, IRelevantSet
{
    private readonly HashSet<TransactionId> _ids = [.. ids];

    public bool IsInitialized => true;

    public bool IsSelfConsistent => true;

    public Task WhenInitializedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IReadOnlyList<LedgerGraphError> Errors => [];

    long ILedgerGraph.Count => _ids.Count;

    public int Count => _ids.Count;

    public PartyName Counterparty { get; } = counterparty;

    public bool Contains(TransactionId id) => _ids.Contains(id);

    public void Record(TransactionMetadata transaction) => throw new NotSupportedException();

    public IRelevantSet GetRelevantSet(PartyName counterparty) =>
        counterparty == Counterparty ? this : throw new InvalidOperationException($"Only {Counterparty} is relevant in this scenario.");

    public IReadOnlyCollection<TransactionId> Snapshot() => [.. _ids];

    public IDisposable Subscribe(IRelevantSetObserver observer)
    {
        foreach (var id in _ids)
        {
            observer.OnAdded(id);
        }

        return new NoSubscription();
    }

    private sealed class NoSubscription : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
