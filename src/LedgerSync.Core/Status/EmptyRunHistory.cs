namespace LedgerSync.Status;

/// <summary>The run history of a status store that keeps none: always empty.</summary>
internal sealed class EmptyRunHistory : IReconciliationRunHistory
{
    public static readonly EmptyRunHistory Instance = new();

    private EmptyRunHistory()
    {
    }

    public Task<IReadOnlyList<ReconciliationRunRecord>> ReadRunsAsync(ReconciliationRunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        return Task.FromResult<IReadOnlyList<ReconciliationRunRecord>>([]);
    }
}
