using LedgerSync.Ledger;

namespace LedgerSync.Benchmarks.Scheduling;

/// <summary>An initialized, self-consistent, empty ledger graph (the scheduler only checks readiness).</summary>
internal sealed class ReadyLedgerGraph : ILedgerGraph
{
    public bool IsInitialized => true;

    public bool IsSelfConsistent => true;

    public Task WhenInitializedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IReadOnlyList<LedgerGraphError> Errors => [];

    public long Count => 0;

    public bool Contains(TransactionId id) => false;

    public void Record(TransactionMetadata transaction)
    {
    }

    public IRelevantSet GetRelevantSet(PartyName counterparty) => throw new NotSupportedException();
}
