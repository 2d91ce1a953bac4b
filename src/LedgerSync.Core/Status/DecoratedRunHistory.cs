namespace LedgerSync.Status;

/// <summary>
/// The run history of a decorated status store: <c>DecorateStatusStore</c> offers the store it wraps here when that
/// store keeps a history, so the history stays available when the decorator does not implement
/// <see cref="IReconciliationRunHistory"/> itself. The innermost store offered first wins.
/// </summary>
internal sealed class DecoratedRunHistory
{
    private IReconciliationRunHistory? _history;

    /// <summary>The wrapped store's history, or <see langword="null"/> when none was offered.</summary>
    public IReconciliationRunHistory? History => Volatile.Read(ref _history);

    public void Offer(IReconciliationRunHistory history) => Interlocked.CompareExchange(ref _history, history, null);
}
