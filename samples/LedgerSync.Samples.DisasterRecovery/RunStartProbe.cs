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

    public async Task<ReconciliationStatus?> UpdateAsync(
        PartyName party,
        bool isRequester,
        Func<ReconciliationStatus?, ReconciliationStatus?> update,
        CancellationToken cancellationToken = default)
    {
        var before = await inner.GetAsync(party, isRequester, cancellationToken);
        var after = await inner.UpdateAsync(party, isRequester, update, cancellationToken);
        var started = after is { LastReconciliationStatus: ReconciliationState.InProgress, StateMachineRunId: { } runId }
            && (before?.StateMachineRunId != runId || before.LastReconciliationStatus != ReconciliationState.InProgress);
        if (started && isRequester && party == _party && _started is { } armed && armed.TrySetResult(after!.StateMachineRunId!.Value))
        {
            await _released.Task.WaitAsync(cancellationToken);
        }

        return after;
    }

    public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default) =>
        inner.GetAsync(party, isRequester, cancellationToken);

    public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(StatusQuery query, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyDictionary<ReconciliationState, int>> CountByLastStateAsync(bool isRequester, CancellationToken cancellationToken = default) =>
        inner.CountByLastStateAsync(isRequester, cancellationToken);

    public Task<IReadOnlyList<ReconciliationStatus>> ReadResultsPageAsync(StatusKey? after, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ReadResultsPageAsync(after, pageSize, cancellationToken);
}
