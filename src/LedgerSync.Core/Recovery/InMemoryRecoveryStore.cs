using LedgerSync.Scheduling;

namespace LedgerSync.Recovery;

/// <summary>
/// An <see cref="IRecoveryStore"/> in process memory: the default. Recoveries survive a worker restart inside the same
/// process (a claim whose lease expires is resumed) but not the end of the process; use the SQL store for durability.
/// </summary>
public sealed class InMemoryRecoveryStore : IRecoveryStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Entry> _recoveries = [];

    /// <inheritdoc />
    public Task<bool> TryAddAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, CancellationToken cancellationToken = default) =>
        Task.FromResult(Add(recovery, transactionIds, claim: null).Added);

    /// <inheritdoc />
    public Task<IRecoveryClaim?> TryAddClaimedAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        Task.FromResult<IRecoveryClaim?>(Add(recovery, transactionIds, (now, leaseUntil)).Claim);

    private (bool Added, Claim? Claim) Add(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, (DateTimeOffset Now, DateTimeOffset LeaseUntil)? claim)
    {
        ArgumentNullException.ThrowIfNull(recovery);
        ArgumentNullException.ThrowIfNull(transactionIds);
        if (transactionIds.Count != recovery.RequestedCount)
        {
            throw new ArgumentException($"The recovery requests {recovery.RequestedCount} IDs but {transactionIds.Count} were given.", nameof(transactionIds));
        }

        var items = new RecoveryItem[transactionIds.Count];
        var positions = new Dictionary<TransactionId, int>(transactionIds.Count);
        for (var i = 0; i < items.Length; i++)
        {
            if (!positions.TryAdd(transactionIds[i], i))
            {
                throw new ArgumentException($"Transaction {transactionIds[i]} is listed twice.", nameof(transactionIds));
            }

            items[i] = new RecoveryItem { Position = i, TransactionId = transactionIds[i] };
        }

        lock (_lock)
        {
            if (_recoveries.ContainsKey(recovery.RecoveryId) || _recoveries.Values.Any(e => e.Status.PartyName == recovery.PartyName && !e.Status.State.IsEnded()))
            {
                return (false, null);
            }

            var queued = recovery with
            {
                State = RecoveryState.Queued,
                RecoveredCount = 0,
                RejectedCount = 0,
                RefusedCount = 0,
                BytesRecovered = 0,
                StartedAt = null,
                FinishedAt = null,
                UpdatedAt = recovery.CreatedAt,
                Error = null,
                Owner = null,
                LeaseUntil = null,
                ClaimCount = 0,
            };
            var owner = claim is null ? null : ClaimTokens.New();
            if (claim is { } c)
            {
                queued = queued with { State = RecoveryState.InProgress, Owner = owner, LeaseUntil = c.LeaseUntil, ClaimCount = 1, StartedAt = c.Now, UpdatedAt = c.Now };
            }

            _recoveries.Add(recovery.RecoveryId, new Entry(queued, items, positions));
            return (true, owner is null ? null : new Claim(this, queued, owner));
        }
    }

    /// <inheritdoc />
    public Task<IRecoveryClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Entry? next = null;
            foreach (var entry in _recoveries.Values)
            {
                var status = entry.Status;
                var claimable = status.State == RecoveryState.Queued
                    || (status.State == RecoveryState.InProgress && status.LeaseUntil is { } lease && lease < now);
                if (claimable && (next is null || status.CreatedAt < next.Status.CreatedAt))
                {
                    next = entry;
                }
            }

            if (next is null)
            {
                return Task.FromResult<IRecoveryClaim?>(null);
            }

            var owner = ClaimTokens.New();
            next.Status = next.Status with
            {
                State = RecoveryState.InProgress,
                Owner = owner,
                LeaseUntil = leaseUntil,
                ClaimCount = next.Status.ClaimCount + 1,
                StartedAt = next.Status.StartedAt ?? now,
                UpdatedAt = now,
            };
            return Task.FromResult<IRecoveryClaim?>(new Claim(this, next.Status, owner));
        }
    }

    /// <inheritdoc />
    public Task<RecoveryStatus?> GetAsync(Guid recoveryId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_recoveries.TryGetValue(recoveryId, out var entry) ? entry.Status : null);
        }
    }

    /// <inheritdoc />
    public Task<RecoveryStatus?> GetLatestForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        lock (_lock)
        {
            return Task.FromResult(_recoveries.Values.Select(e => e.Status).Where(s => s.PartyName == party).MaxBy(s => s.CreatedAt));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveryStatus>> GetHistoryAsync(PartyName? party, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            IReadOnlyList<RecoveryStatus> history = [.. _recoveries.Values
                .Select(e => e.Status)
                .Where(s => party is null || s.PartyName == party)
                .OrderByDescending(s => s.CreatedAt)
                .ThenBy(s => s.RecoveryId)
                .Take(limit)];
            return Task.FromResult(history);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveryStatus>> GetActiveAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<RecoveryStatus> active = [.. _recoveries.Values
                .Select(e => e.Status)
                .Where(s => !s.State.IsEnded())
                .OrderBy(s => s.CreatedAt)
                .ThenBy(s => s.RecoveryId)];
            return Task.FromResult(active);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveryItem>> GetItemsAsync(Guid recoveryId, RecoveryItemOutcome? outcome, int? afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            if (!_recoveries.TryGetValue(recoveryId, out var entry))
            {
                return Task.FromResult<IReadOnlyList<RecoveryItem>>([]);
            }

            var page = new List<RecoveryItem>(Math.Min(limit, 1024));
            for (var i = afterPosition is { } after ? Math.Max(after + 1, 0) : 0; i < entry.Items.Length && page.Count < limit; i++)
            {
                if (outcome is null || entry.Items[i].Outcome == outcome)
                {
                    page.Add(entry.Items[i]);
                }
            }

            return Task.FromResult<IReadOnlyList<RecoveryItem>>(page);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveryStatus>> StopForPartyAsync(PartyName party, string reason, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        lock (_lock)
        {
            var stopped = new List<RecoveryStatus>();
            foreach (var entry in _recoveries.Values)
            {
                if (entry.Status.PartyName == party && !entry.Status.State.IsEnded())
                {
                    entry.Status = entry.Status with { State = RecoveryState.Stopped, Error = reason, FinishedAt = now, UpdatedAt = now, Owner = null, LeaseUntil = null };
                    stopped.Add(entry.Status);
                }
            }

            return Task.FromResult<IReadOnlyList<RecoveryStatus>>(stopped);
        }
    }

    private bool Update(Guid recoveryId, string owner, Func<Entry, RecoveryStatus> update)
    {
        lock (_lock)
        {
            if (!_recoveries.TryGetValue(recoveryId, out var entry)
                || entry.Status.State != RecoveryState.InProgress
                || !string.Equals(entry.Status.Owner, owner, StringComparison.Ordinal))
            {
                return false;
            }

            entry.Status = update(entry);
            return true;
        }
    }

    private sealed class Entry(RecoveryStatus status, RecoveryItem[] items, Dictionary<TransactionId, int> positions)
    {
        public RecoveryStatus Status { get; set; } = status;

        public RecoveryItem[] Items { get; } = items;

        public Dictionary<TransactionId, int> Positions { get; } = positions;
    }

    private sealed class Claim(InMemoryRecoveryStore store, RecoveryStatus recovery, string owner) : IRecoveryClaim
    {
        public RecoveryStatus Recovery { get; } = recovery;

        public Task<bool> RenewAsync(DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
            Task.FromResult(store.Update(Recovery.RecoveryId, owner, e => e.Status with { LeaseUntil = leaseUntil }));

        public Task<bool> RecordAsync(IReadOnlyList<RecoveryItem> outcomes, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(outcomes);
            return Task.FromResult(store.Update(Recovery.RecoveryId, owner, e =>
            {
                var status = e.Status;
                foreach (var outcome in outcomes)
                {
                    if (outcome.Outcome == RecoveryItemOutcome.Pending
                        || !e.Positions.TryGetValue(outcome.TransactionId, out var position)
                        || e.Items[position].Outcome != RecoveryItemOutcome.Pending)
                    {
                        continue;
                    }

                    e.Items[position] = outcome with { Position = position, CompletedAt = outcome.CompletedAt ?? now, Bytes = outcome.Outcome == RecoveryItemOutcome.Recovered ? outcome.Bytes : 0 };
                    status = outcome.Outcome switch
                    {
                        RecoveryItemOutcome.Recovered => status with { RecoveredCount = status.RecoveredCount + 1, BytesRecovered = status.BytesRecovered + e.Items[position].Bytes },
                        RecoveryItemOutcome.Rejected => status with { RejectedCount = status.RejectedCount + 1 },
                        _ => status with { RefusedCount = status.RefusedCount + 1 },
                    };
                }

                return status with { UpdatedAt = now };
            }));
        }

        public Task<bool> FinishAsync(RecoveryState state, string? failure, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            RecoveryClaimRules.CheckFinish(state, failure);
            return Task.FromResult(store.Update(Recovery.RecoveryId, owner, e => e.Status with
            {
                State = state,
                Error = state == RecoveryState.Failed ? failure : null,
                FinishedAt = now,
                UpdatedAt = now,
                Owner = null,
                LeaseUntil = null,
            }));
        }

        public Task<bool> ReleaseAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
            Task.FromResult(store.Update(Recovery.RecoveryId, owner, e => e.Status with { State = RecoveryState.Queued, UpdatedAt = now, Owner = null, LeaseUntil = null }));
    }
}
