namespace LedgerSync.Status;

/// <summary>
/// An <see cref="IStatusStore"/> kept in process memory: the default when no database is configured. Statuses are
/// lost when the process ends. Thread-safe; every transition replaces a whole immutable row under a lock, so a reader
/// never sees half a transition.
/// </summary>
public sealed class InMemoryStatusStore : IStatusStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(PartyName Party, bool IsRequester), ReconciliationStatus> _rows = [];

    /// <inheritdoc />
    public Task RecordStartedAsync(PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _rows[(party, isRequester)] = StatusTransitions.Started(Get(party, isRequester), party, isRequester, runId, startedAt);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RecordFinishedAsync(
        PartyName party,
        bool isRequester,
        Guid runId,
        ReconciliationState state,
        DateTimeOffset finishedAt,
        IReadOnlyCollection<TransactionId>? result,
        string? errorMessage,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        StatusTransitions.ValidateFinish(state, errorMessage);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _rows[(party, isRequester)] = StatusTransitions.Finished(Get(party, isRequester), party, isRequester, runId, state, finishedAt, result, errorMessage);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        lock (_lock)
        {
            return Task.FromResult(Get(party, isRequester));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(
        PartyName? party,
        ReconciliationState? lastReconciliationStatus,
        bool isRequester,
        CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<ReconciliationStatus> matches =
            [
                .. _rows.Values
                    .Where(s => s.IsRequester == isRequester
                        && (party is null || s.PartyName == party)
                        && (lastReconciliationStatus is null || s.LastReconciliationStatus == lastReconciliationStatus))
                    .OrderBy(s => s.PartyName),
            ];
            return Task.FromResult(matches);
        }
    }

    /// <inheritdoc />
    public Task<int> RemovePresentFromResultsAsync(Func<TransactionId, bool> isPresent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isPresent);
        var removed = 0;
        lock (_lock)
        {
            foreach (var (key, row) in _rows.ToList())
            {
                if (StatusTransitions.Refreshed(row, isPresent, out var count) is { } refreshed)
                {
                    _rows[key] = refreshed;
                    removed += count;
                }
            }
        }

        return Task.FromResult(removed);
    }

    private ReconciliationStatus? Get(PartyName party, bool isRequester) => _rows.GetValueOrDefault((party, isRequester));
}
