using LedgerSync.Status;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// Wraps the node's status store to see the moment a run with a party is recorded as <c>IN_PROGRESS</c>. A run with
/// a few hundred differences over a local link can end within milliseconds, so polling alone might never show the
/// in-progress status: when armed, the probe holds the run just after its start was written, until the sample has
/// read and printed the status through the flow (<see cref="Release"/>). Nothing is faked: the printed status is
/// what the store holds while the run is under way.
/// </summary>
internal sealed class RunStartProbe(IStatusStore inner) : IStatusStore
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<Guid>? _started;
    private PartyName? _party;

    /// <summary>Holds the next outgoing run with <paramref name="party"/> right after it is recorded as started.</summary>
    public Task<Guid> ArmAsync(PartyName party)
    {
        _party = party;
        _started = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _started.Task;
    }

    /// <summary>Lets the held run go on.</summary>
    public void Release() => _released.TrySetResult();

    public async Task RecordStartedAsync(PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        await inner.RecordStartedAsync(party, isRequester, runId, startedAt, cancellationToken);
        if (isRequester && party == _party && _started is { } started && started.TrySetResult(runId))
        {
            await _released.Task.WaitAsync(cancellationToken);
        }
    }

    public Task RecordFinishedAsync(
        PartyName party,
        bool isRequester,
        Guid runId,
        ReconciliationState state,
        DateTimeOffset finishedAt,
        IReadOnlyCollection<TransactionId>? result,
        string? errorMessage,
        CancellationToken cancellationToken = default) =>
        inner.RecordFinishedAsync(party, isRequester, runId, state, finishedAt, result, errorMessage, cancellationToken);

    public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default) =>
        inner.GetAsync(party, isRequester, cancellationToken);

    public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(
        PartyName? party,
        ReconciliationState? lastReconciliationStatus,
        bool isRequester,
        CancellationToken cancellationToken = default) =>
        inner.QueryAsync(party, lastReconciliationStatus, isRequester, cancellationToken);

    public Task<int> RemovePresentFromResultsAsync(Func<TransactionId, bool> isPresent, CancellationToken cancellationToken = default) =>
        inner.RemovePresentFromResultsAsync(isPresent, cancellationToken);
}
