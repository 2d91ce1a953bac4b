namespace LedgerSync.Scheduling;

/// <summary>
/// A claimed job, held by one scheduler instance while its run lasts (the counterpart of Hangfire's <c>IFetchedJob</c>).
/// Every method is one atomic step on the store and returns <see langword="false"/> when the claim is no longer held:
/// its lease expired and another instance took the job over, or an operator stopped it.
/// </summary>
public interface IReconciliationJobClaim
{
    /// <summary>The job as claimed (state <see cref="ReconciliationJobState.Running"/>).</summary>
    ReconciliationJob Job { get; }

    /// <summary>Extends the lease to <paramref name="leaseUntil"/>.</summary>
    Task<bool> RenewAsync(DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Ends the job: deletes it.</summary>
    Task<bool> CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends this run of a recurring job: queues the job again for <paramref name="nextDueAt"/> as run <paramref name="nextRunId"/>, retries reset.</summary>
    Task<bool> RescheduleAsync(DateTimeOffset nextDueAt, Guid nextRunId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues the job again for <paramref name="dueAt"/> under the same run ID after a transient failure, counting the
    /// attempt; <paramref name="firstAttemptAt"/> is kept from the first retry on (the start of the retry timeout).
    /// </summary>
    Task<bool> RetryLaterAsync(DateTimeOffset dueAt, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken = default);

    /// <summary>Gives the job back (the node is shutting down): queued at <paramref name="now"/>, its run marked interrupted.</summary>
    Task<bool> ReleaseAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
