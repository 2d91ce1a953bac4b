namespace LedgerSync.Status;

/// <summary>
/// Where reconciliation statuses live: one row per (party, is-requester), as in <c>CR_RECONCILIATION_STATUS</c>.
/// A row is written when a run starts and when it ends; the <c>LastSuccessful*</c> fields change only when a run
/// succeeds; every transition is one atomic write.
/// </summary>
public interface IStatusStore
{
    /// <summary>Records that a run started: state <c>IN_PROGRESS</c>, start time, run ID; finish time and error cleared.</summary>
    Task RecordStartedAsync(PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that run <paramref name="runId"/> ended in <paramref name="state"/>. On success (<c>DIFFERENCES_FOUND</c>
    /// or <c>DIFFERENCES_NOT_FOUND</c>) the <c>LastSuccessful*</c> fields take this run's times, state and
    /// <paramref name="result"/>. <c>FAILED</c> requires an <paramref name="errorMessage"/>.
    /// </summary>
    Task RecordFinishedAsync(
        PartyName party,
        bool isRequester,
        Guid runId,
        ReconciliationState state,
        DateTimeOffset finishedAt,
        IReadOnlyCollection<TransactionId>? result,
        string? errorMessage,
        CancellationToken cancellationToken = default);

    /// <summary>Returns the status for one party and role, or <see langword="null"/> if none was ever recorded.</summary>
    Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default);

    /// <summary>Returns the statuses matching every given criterion (a <see langword="null"/> criterion matches all).</summary>
    Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(
        PartyName? party,
        ReconciliationState? lastReconciliationStatus,
        bool isRequester,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes from the stored successful results every ID for which <paramref name="isPresent"/> is true (the refresh
    /// flow). A result that becomes empty changes its stored states from <c>DIFFERENCES_FOUND</c> to
    /// <c>DIFFERENCES_NOT_FOUND</c>. Returns the number of IDs removed.
    /// </summary>
    Task<int> RemovePresentFromResultsAsync(Func<TransactionId, bool> isPresent, CancellationToken cancellationToken = default);
}
