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

    public async Task RecordStartedAsync(PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        await _inner.RecordStartedAsync(party, isRequester, runId, startedAt, cancellationToken);
        History.Enqueue((party, runId, ReconciliationState.InProgress, null));
    }

    public async Task RecordFinishedAsync(PartyName party, bool isRequester, Guid runId, ReconciliationState state, DateTimeOffset finishedAt, IReadOnlyCollection<TransactionId>? result, string? errorMessage, CancellationToken cancellationToken = default)
    {
        await _inner.RecordFinishedAsync(party, isRequester, runId, state, finishedAt, result, errorMessage, cancellationToken);
        History.Enqueue((party, runId, state, errorMessage));
    }

    public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default) =>
        _inner.GetAsync(party, isRequester, cancellationToken);

    public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(PartyName? party, ReconciliationState? lastReconciliationStatus, bool isRequester, CancellationToken cancellationToken = default) =>
        _inner.QueryAsync(party, lastReconciliationStatus, isRequester, cancellationToken);

    public Task<int> RemovePresentFromResultsAsync(Func<TransactionId, bool> isPresent, CancellationToken cancellationToken = default) =>
        _inner.RemovePresentFromResultsAsync(isPresent, cancellationToken);
}
