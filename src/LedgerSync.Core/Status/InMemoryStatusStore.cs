namespace LedgerSync.Status;

/// <summary>
/// An <see cref="IStatusStore"/> kept in process memory: the default when no database is configured. Statuses are
/// lost when the process ends. Thread-safe; every update computes and replaces a whole immutable row under one lock,
/// so a reader never sees half a transition and concurrent updates never lose one another. It keeps the run history
/// too (<see cref="IReconciliationRunHistory"/>), bounded to the newest <see cref="RunHistoryLimit"/> runs per party and
/// role.
/// </summary>
public sealed class InMemoryStatusStore : IStatusStore, IReconciliationRunHistory
{
    /// <summary>The most runs kept per party and role; older ones are dropped: 1,000.</summary>
    public const int RunHistoryLimit = 1000;

    private readonly Lock _lock = new();
    private readonly SortedDictionary<StatusKey, ReconciliationStatus> _rows = [];
    private readonly Dictionary<StatusKey, List<HistoryEntry>> _history = [];
    private long _sequence;

    /// <inheritdoc />
    public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_rows.GetValueOrDefault(new StatusKey(party, isRequester)));
        }
    }

    /// <inheritdoc />
    public Task<ReconciliationStatus?> UpdateAsync(
        PartyName party,
        bool isRequester,
        Func<ReconciliationStatus?, ReconciliationStatus?> update,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(update);
        cancellationToken.ThrowIfCancellationRequested();
        var key = new StatusKey(party, isRequester);
        lock (_lock)
        {
            var current = _rows.GetValueOrDefault(key);
            var next = update(current);
            if (next is null || ReferenceEquals(next, current))
            {
                return Task.FromResult(current);
            }

            key.EnsureKeyOf(next);
            _rows[key] = next;
            if (RunHistoryRules.IsRunTransition(current, next))
            {
                AppendHistory(key, next);
            }

            return Task.FromResult<ReconciliationStatus?>(next);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(StatusQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<ReconciliationStatus> matches = [.. _rows.Values.Where(query.Matches)];
            return Task.FromResult(matches);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<ReconciliationState, int>> CountByLastStateAsync(bool isRequester, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyDictionary<ReconciliationState, int> counts = _rows.Values
                .Where(r => r.IsRequester == isRequester && r.LastReconciliationStatus is not null)
                .GroupBy(r => r.LastReconciliationStatus!.Value)
                .ToDictionary(g => g.Key, g => g.Count());
            return Task.FromResult(counts);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationStatus>> ReadResultsPageAsync(StatusKey? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<ReconciliationStatus> page =
            [
                .. _rows
                    .Where(pair => (after is not { } start || pair.Key > start) && pair.Value.LastSuccessfulReconciliationResult.Count > 0)
                    .Take(pageSize)
                    .Select(pair => pair.Value),
            ];
            return Task.FromResult(page);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationRunRecord>> ReadRunsAsync(ReconciliationRunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IEnumerable<HistoryEntry> entries = [];
            foreach (var role in (bool[])[true, false])
            {
                if ((query.IsRequester is null || query.IsRequester == role) && _history.TryGetValue(new StatusKey(query.Party, role), out var list))
                {
                    entries = entries.Concat(list);
                }
            }

            IReadOnlyList<ReconciliationRunRecord> page = [.. entries.OrderByDescending(e => e.Sequence).Skip(query.Skip).Take(query.Take).Select(e => e.Run)];
            return Task.FromResult(page);
        }
    }

    // Called under the lock. A start appends a run; an end completes the run it ends when that run is the latest one
    // recorded and still in progress, and otherwise appends the end as a run of its own without a start time.
    private void AppendHistory(StatusKey key, ReconciliationStatus next)
    {
        if (next.LastReconciliationStatus is not { } state)
        {
            return;
        }

        if (!_history.TryGetValue(key, out var list))
        {
            _history[key] = list = [];
        }

        var runId = next.StateMachineRunId ?? Guid.Empty;
        var last = list.Count > 0 ? list[^1] : null;
        var continues = last is not null && last.Run.RunId == runId && last.Run.State == ReconciliationState.InProgress;
        var run = new ReconciliationRunRecord
        {
            RunId = runId,
            PartyName = next.PartyName,
            IsRequester = next.IsRequester,
            Started = state == ReconciliationState.InProgress ? next.LastReconciliationTimeStarted : continues ? last!.Run.Started : null,
            Finished = state == ReconciliationState.InProgress ? null : next.LastReconciliationTimeFinished,
            State = state,
            Differences = RunHistoryRules.Differences(next),
            Error = next.LastReconciliationError,
        };

        if (continues)
        {
            list[^1] = last! with { Run = run };
            return;
        }

        list.Add(new HistoryEntry(++_sequence, run));
        if (list.Count > RunHistoryLimit)
        {
            list.RemoveAt(0);
        }
    }

    private sealed record HistoryEntry(long Sequence, ReconciliationRunRecord Run);
}
