using LedgerSync.Ledger;
using LedgerSync.Status;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The operator's query API: the reference product's JMX set (status for a party, failed parties, parties with
/// differences, the numbers scheduled, in progress, failed, with and without differences) and the ledger graph's
/// initialized / self-consistent / errors. Live counts (scheduled, in progress) come from the in-flight runs; the
/// outcome counts come from the status store (the latest run with each party, this node as requester).
/// </summary>
public sealed class ReconciliationMonitor
{
    private readonly ReconciliationRunRegistry _registry;
    private readonly IStatusStore _statusStore;
    private readonly ILedgerGraph _ledgerGraph;

    /// <summary>Creates the monitor over the in-flight runs, the status store and the ledger graph.</summary>
    public ReconciliationMonitor(ReconciliationRunRegistry registry, IStatusStore statusStore, ILedgerGraph ledgerGraph)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(statusStore);
        ArgumentNullException.ThrowIfNull(ledgerGraph);
        _registry = registry;
        _statusStore = statusStore;
        _ledgerGraph = ledgerGraph;
    }

    /// <summary>JMX <c>LedgerGraphIsInitialized</c>: whether the ledger graph has finished loading.</summary>
    public bool LedgerGraphIsInitialized => _ledgerGraph.IsInitialized;

    /// <summary>JMX <c>LedgerGraphIsSelfConsistent</c>: whether every dependency is present, nothing is duplicated and there is no cycle.</summary>
    public bool LedgerGraphIsSelfConsistent => _ledgerGraph.IsSelfConsistent;

    /// <summary>JMX <c>LedgerGraphErrors</c>: the ledger graph's consistency errors, each naming a transaction.</summary>
    public IReadOnlyList<LedgerGraphError> LedgerGraphErrors => _ledgerGraph.Errors;

    /// <summary>
    /// JMX <c>NumberOfScheduledReconciliations</c>: outgoing runs queued for a pool slot, waiting for their start time,
    /// or backing off before retrying a busy peer.
    /// </summary>
    public int NumberOfScheduledReconciliations => CountInFlight(ReconciliationRole.Requester, queued: true);

    /// <summary>JMX <c>NumberOfReconciliationsInProgress</c>: outgoing runs executing now.</summary>
    public int NumberOfReconciliationsInProgress => CountInFlight(ReconciliationRole.Requester, queued: false);

    /// <summary>Incoming runs (this node responding) executing now.</summary>
    public int NumberOfIncomingReconciliationsInProgress => CountInFlight(ReconciliationRole.Responder, queued: false);

    /// <summary>
    /// JMX <c>ReconciliationStatus</c>: the stored status with <paramref name="party"/>, or <see langword="null"/>
    /// if no run with it has started yet.
    /// </summary>
    /// <param name="party">The counterparty.</param>
    /// <param name="isRequester">Whether to read the row where this node requested (default) or responded.</param>
    /// <param name="cancellationToken">Cancels the store query.</param>
    public Task<ReconciliationStatus?> GetReconciliationStatusAsync(PartyName party, bool isRequester = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return _statusStore.GetAsync(party, isRequester, cancellationToken);
    }

    /// <summary>JMX <c>FailedParties</c>: the parties whose latest outgoing reconciliation is <c>FAILED</c>, sorted.</summary>
    public Task<IReadOnlyList<PartyName>> GetFailedPartiesAsync(CancellationToken cancellationToken = default) =>
        GetPartiesAsync(ReconciliationState.Failed, cancellationToken);

    /// <summary>JMX <c>PartiesWithDifference</c>: the parties whose latest outgoing reconciliation is <c>DIFFERENCES_FOUND</c>, sorted.</summary>
    public Task<IReadOnlyList<PartyName>> GetPartiesWithDifferencesAsync(CancellationToken cancellationToken = default) =>
        GetPartiesAsync(ReconciliationState.DifferencesFound, cancellationToken);

    /// <summary>JMX <c>NumberOfFailedReconciliations</c>: parties whose latest outgoing reconciliation is <c>FAILED</c>.</summary>
    public Task<int> GetNumberOfFailedReconciliationsAsync(CancellationToken cancellationToken = default) =>
        CountAsync(ReconciliationState.Failed, cancellationToken);

    /// <summary>JMX <c>NumberOfReconciliationsWithDifferences</c>: parties whose latest outgoing reconciliation is <c>DIFFERENCES_FOUND</c>.</summary>
    public Task<int> GetNumberOfReconciliationsWithDifferencesAsync(CancellationToken cancellationToken = default) =>
        CountAsync(ReconciliationState.DifferencesFound, cancellationToken);

    /// <summary>JMX <c>NumberOfReconciliationsWithoutDifferences</c>: parties whose latest outgoing reconciliation is <c>DIFFERENCES_NOT_FOUND</c>.</summary>
    public Task<int> GetNumberOfReconciliationsWithoutDifferencesAsync(CancellationToken cancellationToken = default) =>
        CountAsync(ReconciliationState.DifferencesNotFound, cancellationToken);

    /// <summary>All five counts at once, with one counting query of the status store.</summary>
    public async Task<ReconciliationCounts> GetCountsAsync(CancellationToken cancellationToken = default)
    {
        var (scheduled, inProgress) = (NumberOfScheduledReconciliations, NumberOfReconciliationsInProgress);
        var counts = await _statusStore.CountByLastStateAsync(isRequester: true, cancellationToken).ConfigureAwait(false);
        return new ReconciliationCounts(
            scheduled,
            inProgress,
            counts.GetValueOrDefault(ReconciliationState.Failed),
            counts.GetValueOrDefault(ReconciliationState.DifferencesFound),
            counts.GetValueOrDefault(ReconciliationState.DifferencesNotFound));
    }

    /// <summary>Point-in-time copies of the in-flight runs (both roles), oldest first: what the in-flight dump writes.</summary>
    public IReadOnlyList<RunSnapshot> GetInFlightReconciliations() => _registry.Snapshot();

    /// <summary>Whether a run waiting on <paramref name="reason"/> counts as scheduled (not yet executing) rather than in progress.</summary>
    internal static bool IsQueued(RunWaitReason reason) =>
        reason is RunWaitReason.PoolSlot or RunWaitReason.ScheduledTime or RunWaitReason.RetryBackoff;

    private int CountInFlight(ReconciliationRole role, bool queued)
    {
        var count = 0;
        foreach (var run in _registry.Runs)
        {
            if (run.Role == role && !run.HasEnded && IsQueued(run.CurrentWait) == queued)
            {
                count++;
            }
        }

        return count;
    }

    private async Task<IReadOnlyList<PartyName>> GetPartiesAsync(ReconciliationState state, CancellationToken cancellationToken)
    {
        var rows = await _statusStore.QueryAsync(new StatusQuery { IsRequester = true, LastReconciliationStatus = state }, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.PartyName).Distinct().Order()];
    }

    private async Task<int> CountAsync(ReconciliationState state, CancellationToken cancellationToken) =>
        (await _statusStore.CountByLastStateAsync(isRequester: true, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(state);
}
