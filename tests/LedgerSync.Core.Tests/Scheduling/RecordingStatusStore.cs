using System.Collections.Concurrent;
using LedgerSync.Status;

namespace LedgerSync.Tests.Scheduling;

/// <summary>An in-memory status store that also keeps every transition in order, as the SQL store's run history does.</summary>
internal sealed class RecordingStatusStore : IStatusStore
{
    private readonly InMemoryStatusStore _inner = new();

    public ConcurrentQueue<(PartyName Party, Guid RunId, ReconciliationState State, string? Error)> History { get; } = new();

    public IReadOnlyList<(Guid RunId, ReconciliationState State, string? Error)> For(PartyName party) =>
        [.. History.Where(h => h.Party == party).Select(h => (h.RunId, h.State, h.Error))];

    public async Task<ReconciliationStatus?> UpdateAsync(
        PartyName party,
        bool isRequester,
        Func<ReconciliationStatus?, ReconciliationStatus?> update,
        CancellationToken cancellationToken = default)
    {
        ReconciliationStatus? before = null;
        ReconciliationStatus? after = null;
        await _inner.UpdateAsync(
            party,
            isRequester,
            current =>
            {
                before = current;
                after = update(current);
                return after;
            },
            cancellationToken);

        // A start or an end is a change of run or of state (a refresh changes only the result).
        if (after is { StateMachineRunId: { } runId, LastReconciliationStatus: { } state }
            && (before?.StateMachineRunId != runId || before.LastReconciliationStatus != state))
        {
            History.Enqueue((party, runId, state, after.LastReconciliationError));
        }

        return after ?? before;
    }

    public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default) =>
        _inner.GetAsync(party, isRequester, cancellationToken);

    public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(StatusQuery query, CancellationToken cancellationToken = default) =>
        _inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyDictionary<ReconciliationState, int>> CountByLastStateAsync(bool isRequester, CancellationToken cancellationToken = default) =>
        _inner.CountByLastStateAsync(isRequester, cancellationToken);

    public Task<IReadOnlyList<ReconciliationStatus>> ReadResultsPageAsync(StatusKey? after, int pageSize, CancellationToken cancellationToken = default) =>
        _inner.ReadResultsPageAsync(after, pageSize, cancellationToken);
}
