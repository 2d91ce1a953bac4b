namespace LedgerSync.Status;

/// <summary>
/// An <see cref="IStatusStore"/> kept in process memory: the default when no database is configured. Statuses are
/// lost when the process ends. Thread-safe; every update computes and replaces a whole immutable row under one lock,
/// so a reader never sees half a transition and concurrent updates never lose one another.
/// </summary>
public sealed class InMemoryStatusStore : IStatusStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<StatusKey, ReconciliationStatus> _rows = [];

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
}
