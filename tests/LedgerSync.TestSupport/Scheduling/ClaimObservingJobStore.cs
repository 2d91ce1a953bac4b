using LedgerSync.Scheduling;

namespace LedgerSync.Testing.Scheduling;

/// <summary>
/// A job store that forwards to another and lets a test await what the dispatcher saw when it claimed: "a claim at
/// fake time 09:00 found nothing due" proves the dispatcher looked at the store after the clock moved, without a
/// real sleep before asserting that a job did not run.
/// </summary>
internal sealed class ClaimObservingJobStore(IReconciliationJobStore inner) : IReconciliationJobStore, IReconciliationJobQueries
{
    private readonly Lock _lock = new();
    private readonly List<(DateTimeOffset NotBefore, int AfterClaims, TaskCompletionSource<DateTimeOffset> Seen)> _emptyClaimWaiters = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<PartyName> _claimed = new();
    private int _claims;

    public ClaimObservingJobStore()
        : this(new InMemoryReconciliationJobStore())
    {
    }

    /// <summary>How many claims the dispatcher has made so far.</summary>
    public int Claims => Volatile.Read(ref _claims);

    /// <summary>The parties of the jobs claimed so far, in claim order (recorded before the claim returns).</summary>
    public IReadOnlyList<PartyName> ClaimedParties => [.. _claimed];

    private IReconciliationJobQueries Queries => (IReconciliationJobQueries)inner;

    /// <summary>
    /// Completes, with the claim's time, when a claim made at fake time <paramref name="notBefore"/> or later has
    /// returned no job (nothing was due then), after at least <paramref name="afterClaims"/> claims in all returned a job
    /// (so an empty claim racing ahead of a job just queued does not count). Bounded by <paramref name="timeout"/> of real time.
    /// </summary>
    public Task<DateTimeOffset> NothingDueAsync(DateTimeOffset notBefore, TimeSpan timeout, int afterClaims = 0)
    {
        var seen = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _emptyClaimWaiters.Add((notBefore, afterClaims, seen));
        }

        return seen.Task.WaitAsync(timeout);
    }

    public async Task<IReconciliationJobClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _claims);
        var claim = await inner.TryClaimNextAsync(now, leaseUntil, cancellationToken).ConfigureAwait(false);
        if (claim is not null)
        {
            _claimed.Enqueue(claim.Job.Party);
        }
        else
        {
            lock (_lock)
            {
                foreach (var waiter in _emptyClaimWaiters.Where(w => w.NotBefore <= now && _claimed.Count >= w.AfterClaims).ToList())
                {
                    waiter.Seen.TrySetResult(now);
                    _emptyClaimWaiters.Remove(waiter);
                }
            }
        }

        return claim;
    }

    public Task<bool> TryAddAsync(ReconciliationJob job, CancellationToken cancellationToken = default) =>
        inner.TryAddAsync(job, cancellationToken);

    public Task<IReconciliationJobClaim> AddClaimedAsync(ReconciliationJob job, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        inner.AddClaimedAsync(job, leaseUntil, cancellationToken);

    public Task<IReadOnlyList<ReconciliationJob>> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.RecoverExpiredAsync(now, cancellationToken);

    public Task<IReadOnlyList<ReconciliationJob>> RemoveForPartyAsync(PartyName party, CancellationToken cancellationToken = default) =>
        inner.RemoveForPartyAsync(party, cancellationToken);

    public Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken = default) =>
        inner.GetNextDueAsync(cancellationToken);

    public Task<IReadOnlyList<ReconciliationJob>> GetForPartyAsync(PartyName party, CancellationToken cancellationToken = default) =>
        Queries.GetForPartyAsync(party, cancellationToken);

    public Task<IReadOnlyList<ReconciliationJob>> GetAllAsync(CancellationToken cancellationToken = default) =>
        Queries.GetAllAsync(cancellationToken);

    public Task<ReconciliationJobCounts> GetCountsAsync(CancellationToken cancellationToken = default) =>
        Queries.GetCountsAsync(cancellationToken);
}
