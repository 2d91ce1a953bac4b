namespace LedgerSync.Status;

/// <summary>
/// The past runs with one party, newest first: one entry per reconciliation run that started or ended, with its role,
/// times, state, number of differences found and error. <see cref="IStatusStore"/> keeps only the latest and the latest
/// successful run per party and role; a store that also keeps every run offers them through this interface.
/// </summary>
/// <remarks>
/// <para>
/// LedgerSync's stores implement it: <see cref="InMemoryStatusStore"/> (the newest
/// <see cref="InMemoryStatusStore.RunHistoryLimit"/> runs per party and role) and the SQL status store (every run, from
/// <c>CR_RECONCILIATION_RUN_HISTORY</c>). <c>AddLedgerSync()</c> registers the status store as this service when it
/// implements it (or, behind <c>DecorateStatusStore</c>, when the wrapped store does), and otherwise a history that is
/// always empty; a store of your own offers a history by implementing it too.
/// </para>
/// <para>
/// A store records the history as part of each <see cref="IStatusStore.UpdateAsync"/> that starts or ends a run, in the
/// same atomic write; the contract tests in <c>LedgerSync.Testing.Status.StatusStoreContractTests</c> show what it must
/// return.
/// </para>
/// </remarks>
public interface IReconciliationRunHistory
{
    /// <summary>
    /// Returns one page of <paramref name="query"/>'s party's runs, newest first (the order in which they started or,
    /// for a run whose start was not recorded, ended). A run still in progress appears with
    /// <see cref="ReconciliationState.InProgress"/> and no finish time. A page shorter than
    /// <see cref="ReconciliationRunQuery.Take"/> is the last one.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> or its party is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="ReconciliationRunQuery.Skip"/> is negative, or <see cref="ReconciliationRunQuery.Take"/> is not between 1 and
    /// <see cref="ReconciliationRunQuery.MaxTake"/>.
    /// </exception>
    Task<IReadOnlyList<ReconciliationRunRecord>> ReadRunsAsync(ReconciliationRunQuery query, CancellationToken cancellationToken = default);
}
