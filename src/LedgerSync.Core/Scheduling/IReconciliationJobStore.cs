namespace LedgerSync.Scheduling;

/// <summary>
/// The scheduler's persisted work queue, as the runtime uses it: add, claim, recover expired leases, remove. A claim
/// hands out an <see cref="IReconciliationJobClaim"/> through which its holder renews, completes, retries or gives back
/// the job, so no caller ever names an owner. Queries for operators live apart, in <see cref="IReconciliationJobQueries"/>.
/// </summary>
/// <remarks>
/// Every method is one atomic step, so several scheduler instances sharing one store run each job exactly once (the SQL
/// store claims with <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL and in a single-writer transaction on SQLite). At
/// most one outgoing job exists per party. The rules of what a run's end means (status rows, recurrence, back-off) live
/// in the scheduler, not in the store. The contract tests in <c>LedgerSync.Testing.Scheduling.JobStoreContractTests</c>
/// are what a store must pass.
/// </remarks>
public interface IReconciliationJobStore
{
    /// <summary>
    /// Adds a queued job. Returns <see langword="false"/> (and adds nothing) when <paramref name="job"/> is outgoing and
    /// an outgoing job for the same party already exists.
    /// </summary>
    Task<bool> TryAddAsync(ReconciliationJob job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the queued outgoing job due first (due time at or before <paramref name="now"/>): it becomes
    /// <see cref="ReconciliationJobState.Running"/> under a new claim whose lease lasts until <paramref name="leaseUntil"/>.
    /// When its previous run was interrupted (<see cref="ReconciliationJob.InterruptedRunId"/> is set), the job takes a new
    /// run ID. Returns <see langword="null"/> when nothing is due.
    /// </summary>
    Task<IReconciliationJobClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="job"/> already claimed, as <see cref="ReconciliationJobState.Running"/> until
    /// <paramref name="leaseUntil"/>: the lease of an admitted incoming run, so that a crash is noticed and recorded.
    /// </summary>
    Task<IReconciliationJobClaim> AddClaimedAsync(ReconciliationJob job, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Recovers the jobs whose lease expired before <paramref name="now"/> (their holder crashed or hung): an outgoing job
    /// is queued again with its run as <see cref="ReconciliationJob.InterruptedRunId"/>; an incoming lease is deleted.
    /// Returns the recovered jobs as they were before.
    /// </summary>
    Task<IReadOnlyList<ReconciliationJob>> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes every job (both roles, any state) with <paramref name="party"/> and returns them.</summary>
    Task<IReadOnlyList<ReconciliationJob>> RemoveForPartyAsync(PartyName party, CancellationToken cancellationToken = default);

    /// <summary>The earliest due time of a queued outgoing job, or <see langword="null"/> when none is queued.</summary>
    Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken = default);
}
