namespace LedgerSync.Scheduling;

/// <summary>
/// The scheduler's persisted work queue. Implementations make every method one atomic step, so that several scheduler
/// instances sharing one store each run a job exactly once (the SQL store uses <c>FOR UPDATE SKIP LOCKED</c> on
/// PostgreSQL and single-writer transactions on SQLite). At most one outgoing job exists per party.
/// </summary>
public interface IReconciliationJobStore
{
    /// <summary>
    /// Adds a job. Returns <see langword="false"/> (and adds nothing) when <paramref name="job"/> is outgoing and an
    /// outgoing job for the same party already exists.
    /// </summary>
    Task<bool> TryAddAsync(ReconciliationJob job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the outgoing job due first: a queued job whose due time has come, or a running job whose lease expired
    /// (its run was interrupted). The job becomes <see cref="ReconciliationJobState.Running"/>, owned by
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>. When the previous run was interrupted the job
    /// takes <paramref name="newRunId"/> and reports the interrupted run in <see cref="ReconciliationJob.InterruptedRunId"/>
    /// (and starts its retries afresh). Returns <see langword="null"/> when nothing is due.
    /// </summary>
    Task<ReconciliationJob?> TryClaimNextAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, Guid newRunId, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease of a running job; <see langword="false"/> when <paramref name="owner"/> no longer holds it.</summary>
    Task<bool> RenewLeaseAsync(Guid jobId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the current run of a job held by <paramref name="owner"/>: deletes the job, or, when <paramref name="nextDueAt"/>
    /// is given (a recurring schedule), queues it again for then with run ID <paramref name="nextRunId"/>.
    /// <see langword="false"/> when <paramref name="owner"/> no longer holds the job.
    /// </summary>
    Task<bool> CompleteAsync(Guid jobId, string owner, DateTimeOffset? nextDueAt, Guid nextRunId, CancellationToken cancellationToken = default);

    /// <summary>Queues a running job again for <paramref name="dueAt"/> after its peer was busy, counting the attempt.</summary>
    Task<bool> RetryLaterAsync(Guid jobId, string owner, DateTimeOffset dueAt, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken = default);

    /// <summary>Gives a running job back (the node is shutting down): it is queued at <paramref name="now"/> and its run is marked interrupted.</summary>
    Task<bool> ReleaseAsync(Guid jobId, string owner, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes every job (both roles) with <paramref name="party"/> and returns them.</summary>
    Task<IReadOnlyList<ReconciliationJob>> RemoveForPartyAsync(PartyName party, CancellationToken cancellationToken = default);

    /// <summary>Deletes the incoming-run leases that expired before <paramref name="now"/> (their owner crashed) and returns them.</summary>
    Task<IReadOnlyList<ReconciliationJob>> TakeExpiredIncomingAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The jobs (both roles) with <paramref name="party"/>.</summary>
    Task<IReadOnlyList<ReconciliationJob>> GetForPartyAsync(PartyName party, CancellationToken cancellationToken = default);

    /// <summary>All jobs, due first.</summary>
    Task<IReadOnlyList<ReconciliationJob>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>The earliest due time of a queued outgoing job, or <see langword="null"/> when none is queued.</summary>
    Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken = default);
}
