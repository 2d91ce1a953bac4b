namespace LedgerSync.Scheduling;

/// <summary>
/// An <see cref="IReconciliationJobStore"/> in process memory: the default. Jobs survive a scheduler restart inside
/// the same process but not the end of the process; use the SQL store for durability.
/// </summary>
public sealed class InMemoryReconciliationJobStore : IReconciliationJobStore, IReconciliationJobQueries
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

            return Task.FromResult(_jobs.TryAdd(job.JobId, job with { State = ReconciliationJobState.Queued, Owner = null, LeaseUntil = null }));
        }
    }

    /// <inheritdoc />
    public Task<IReconciliationJobClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ReconciliationJob? next = null;
            foreach (var job in _jobs.Values)
            {
                if (job.IsRequester && job.State == ReconciliationJobState.Queued && job.DueAt <= now
                    && (next is null || job.DueAt < next.DueAt || (job.DueAt == next.DueAt && job.CreatedAt < next.CreatedAt)))
                {
                    next = job;
                }
            }

            if (next is null)
            {
                return Task.FromResult<IReconciliationJobClaim?>(null);
            }

            var owner = ClaimTokens.New();
            var claimed = next with
            {
                State = ReconciliationJobState.Running,
                Owner = owner,
                LeaseUntil = leaseUntil,
                RunId = next.InterruptedRunId is null ? next.RunId : Guid.NewGuid(),
            };
            _jobs[next.JobId] = claimed;
            return Task.FromResult<IReconciliationJobClaim?>(new Claim(this, claimed, owner));
        }
    }

    /// <inheritdoc />
    public Task<IReconciliationJobClaim> AddClaimedAsync(ReconciliationJob job, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var owner = ClaimTokens.New();
        var claimed = job with { State = ReconciliationJobState.Running, Owner = owner, LeaseUntil = leaseUntil };
        lock (_lock)
        {
            if (job.IsRequester && _jobs.Values.Any(j => j.IsRequester && j.Party == job.Party))
            {
                throw new InvalidOperationException($"An outgoing job with {job.Party} already exists.");
            }

            if (!_jobs.TryAdd(job.JobId, claimed))
            {
                throw new InvalidOperationException($"A job with ID {job.JobId} already exists.");
            }
        }

        return Task.FromResult<IReconciliationJobClaim>(new Claim(this, claimed, owner));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<ReconciliationJob> expired = [.. _jobs.Values.Where(j => j.State == ReconciliationJobState.Running && j.LeaseUntil < now)];
            foreach (var job in expired)
            {
                if (job.IsRequester)
                {
                    _jobs[job.JobId] = Queued(job) with { InterruptedRunId = job.RunId, Attempt = 0, FirstAttemptAt = null };
                }
                else
                {
                    _jobs.Remove(job.JobId);
                }
            }

            return Task.FromResult(expired);
        }
    }

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

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> GetForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        lock (_lock)
        {
            IReadOnlyList<ReconciliationJob> jobs = [.. _jobs.Values.Where(j => j.Party == party).OrderBy(j => j.DueAt)];
            return Task.FromResult(jobs);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<ReconciliationJob> jobs = [.. _jobs.Values.OrderBy(j => j.DueAt).ThenBy(j => j.CreatedAt)];
            return Task.FromResult(jobs);
        }
    }

    /// <inheritdoc />
    public Task<ReconciliationJobCounts> GetCountsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            int queued = 0, running = 0, incoming = 0;
            foreach (var job in _jobs.Values)
            {
                if (!job.IsRequester)
                {
                    incoming++;
                }
                else if (job.State == ReconciliationJobState.Queued)
                {
                    queued++;
                }
                else
                {
                    running++;
                }
            }

            return Task.FromResult(new ReconciliationJobCounts(queued, running, incoming));
        }
    }

    private static ReconciliationJob Queued(ReconciliationJob job) =>
        job with { State = ReconciliationJobState.Queued, Owner = null, LeaseUntil = null };

    private bool Update(Guid jobId, string owner, Func<ReconciliationJob, ReconciliationJob?> change)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out var job) || job.State != ReconciliationJobState.Running || job.Owner != owner)
            {
                return false;
            }

            if (change(job) is { } changed)
            {
                _jobs[jobId] = changed;
            }
            else
            {
                _jobs.Remove(jobId);
            }

            return true;
        }
    }

    private sealed class Claim(InMemoryReconciliationJobStore store, ReconciliationJob job, string owner) : IReconciliationJobClaim
    {
        public ReconciliationJob Job => job;

        public Task<bool> RenewAsync(DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
            Task.FromResult(store.Update(job.JobId, owner, j => j with { LeaseUntil = leaseUntil }));

        public Task<bool> CompleteAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(store.Update(job.JobId, owner, _ => null));

        public Task<bool> RescheduleAsync(DateTimeOffset nextDueAt, Guid nextRunId, CancellationToken cancellationToken = default) =>
            Task.FromResult(store.Update(job.JobId, owner, j => Queued(j) with { DueAt = nextDueAt, RunId = nextRunId, Attempt = 0, FirstAttemptAt = null, InterruptedRunId = null }));

        public Task<bool> RetryLaterAsync(DateTimeOffset dueAt, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken = default) =>
            Task.FromResult(store.Update(job.JobId, owner, j => Queued(j) with { DueAt = dueAt, Attempt = j.Attempt + 1, FirstAttemptAt = j.FirstAttemptAt ?? firstAttemptAt, InterruptedRunId = null }));

        public Task<bool> ReleaseAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
            Task.FromResult(store.Update(job.JobId, owner, j => Queued(j) with { DueAt = now, InterruptedRunId = j.RunId, Attempt = 0, FirstAttemptAt = null }));
    }
}
