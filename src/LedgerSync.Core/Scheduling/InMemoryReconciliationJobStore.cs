namespace LedgerSync.Scheduling;

/// <summary>
/// An <see cref="IReconciliationJobStore"/> in process memory: the default. Jobs survive a scheduler restart inside
/// the same process but not the end of the process; use the SQL store for durability.
/// </summary>
public sealed class InMemoryReconciliationJobStore : IReconciliationJobStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, ReconciliationJob> _jobs = [];

    /// <inheritdoc />
    public Task<bool> TryAddAsync(ReconciliationJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_lock)
        {
            if (job.IsRequester && _jobs.Values.Any(j => j.IsRequester && j.Party == job.Party))
            {
                return Task.FromResult(false);
            }

            return Task.FromResult(_jobs.TryAdd(job.JobId, job));
        }
    }

    /// <inheritdoc />
    public Task<ReconciliationJob?> TryClaimNextAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, Guid newRunId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        lock (_lock)
        {
            ReconciliationJob? next = null;
            foreach (var job in _jobs.Values)
            {
                var claimable = job.IsRequester
                    && ((job.State == ReconciliationJobState.Queued && job.DueAt <= now)
                        || (job.State == ReconciliationJobState.Running && job.LeaseUntil < now));
                if (claimable && (next is null || job.DueAt < next.DueAt))
                {
                    next = job;
                }
            }

            if (next is null)
            {
                return Task.FromResult<ReconciliationJob?>(null);
            }

            var claimed = next with { State = ReconciliationJobState.Running, Owner = owner, LeaseUntil = leaseUntil };
            if (next.State == ReconciliationJobState.Running)
            {
                claimed = claimed with { InterruptedRunId = next.RunId, RunId = newRunId, Attempt = 0, FirstAttemptAt = null };
            }
            else if (next.InterruptedRunId is not null)
            {
                claimed = claimed with { RunId = newRunId };
            }

            _jobs[next.JobId] = claimed;
            return Task.FromResult<ReconciliationJob?>(claimed);
        }
    }

    /// <inheritdoc />
    public Task<bool> RenewLeaseAsync(Guid jobId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        Update(jobId, owner, j => j with { LeaseUntil = leaseUntil });

    /// <inheritdoc />
    public Task<bool> CompleteAsync(Guid jobId, string owner, DateTimeOffset? nextDueAt, Guid nextRunId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!Holds(jobId, owner, out var job))
            {
                return Task.FromResult(false);
            }

            if (nextDueAt is { } due)
            {
                _jobs[jobId] = Queued(job) with { DueAt = due, RunId = nextRunId, Attempt = 0, FirstAttemptAt = null, InterruptedRunId = null };
            }
            else
            {
                _jobs.Remove(jobId);
            }

            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> RetryLaterAsync(Guid jobId, string owner, DateTimeOffset dueAt, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken = default) =>
        Update(jobId, owner, j => Queued(j) with { DueAt = dueAt, Attempt = j.Attempt + 1, FirstAttemptAt = j.FirstAttemptAt ?? firstAttemptAt, InterruptedRunId = null });

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(Guid jobId, string owner, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Update(jobId, owner, j => Queued(j) with { DueAt = now, InterruptedRunId = j.RunId, Attempt = 0, FirstAttemptAt = null });

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> RemoveForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        lock (_lock)
        {
            IReadOnlyList<ReconciliationJob> removed = [.. _jobs.Values.Where(j => j.Party == party)];
            foreach (var job in removed)
            {
                _jobs.Remove(job.JobId);
            }

            return Task.FromResult(removed);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> TakeExpiredIncomingAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<ReconciliationJob> expired = [.. _jobs.Values.Where(j => !j.IsRequester && j.LeaseUntil < now)];
            foreach (var job in expired)
            {
                _jobs.Remove(job.JobId);
            }

            return Task.FromResult(expired);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> GetForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        lock (_lock)
        {
            IReadOnlyList<ReconciliationJob> jobs = [.. _jobs.Values.Where(j => j.Party == party)];
            return Task.FromResult(jobs);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<ReconciliationJob> jobs = [.. _jobs.Values.OrderBy(j => j.DueAt)];
            return Task.FromResult(jobs);
        }
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            DateTimeOffset? next = null;
            foreach (var job in _jobs.Values)
            {
                if (job.IsRequester && job.State == ReconciliationJobState.Queued && (next is null || job.DueAt < next))
                {
                    next = job.DueAt;
                }
            }

            return Task.FromResult(next);
        }
    }

    private static ReconciliationJob Queued(ReconciliationJob job) =>
        job with { State = ReconciliationJobState.Queued, Owner = null, LeaseUntil = null };

    private bool Holds(Guid jobId, string owner, out ReconciliationJob job) =>
        _jobs.TryGetValue(jobId, out job!) && job.State == ReconciliationJobState.Running && job.Owner == owner;

    private Task<bool> Update(Guid jobId, string owner, Func<ReconciliationJob, ReconciliationJob> change)
    {
        lock (_lock)
        {
            if (!Holds(jobId, owner, out var job))
            {
                return Task.FromResult(false);
            }

            _jobs[jobId] = change(job);
            return Task.FromResult(true);
        }
    }
}
