using LedgerSync.Ledger;
using LedgerSync.Scheduling;
using LedgerSync.Status;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The operator's query API: the reference product's JMX set (status for a party, failed parties, parties with
/// differences, the numbers scheduled, in progress, failed, with and without differences) and the ledger graph's
/// initialized / self-consistent / errors. The scheduled count comes from the durable job queue (so it is right
/// right after a restart, and the same on every instance sharing the store); the in-progress counts come from this
/// node's in-flight runs; the outcome counts come from the status store (the latest run with each party, this node as
/// requester).
/// </summary>
public sealed class ReconciliationMonitor
{
    private readonly ReconciliationRunRegistry _registry;
    private readonly IStatusStore _statusStore;
    private readonly ILedgerGraph _ledgerGraph;
    private readonly IReconciliationJobQueries? _jobQueries;
    private readonly ReconciliationScheduler? _scheduler;
    private int _queuedInStore = -1;

    /// <summary>Creates the monitor over the in-flight runs, the status store, the ledger graph and the job queue.</summary>
    internal ReconciliationMonitor(ReconciliationRunRegistry registry, IStatusStore statusStore, ILedgerGraph ledgerGraph, IReconciliationJobQueries jobQueries)
        : this(registry, statusStore, ledgerGraph)
    {
        ArgumentNullException.ThrowIfNull(jobQueries);
        _jobQueries = jobQueries;
    }

    /// <summary>Creates the monitor over the in-flight runs, the status store, the ledger graph, the job queue and the scheduler's pool.</summary>
    internal ReconciliationMonitor(ReconciliationRunRegistry registry, IStatusStore statusStore, ILedgerGraph ledgerGraph, IReconciliationJobQueries? jobQueries, ReconciliationScheduler scheduler)
        : this(registry, statusStore, ledgerGraph)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _jobQueries = jobQueries;
        _scheduler = scheduler;
    }

    /// <summary>
    /// The size of the execution pool (<see cref="LedgerSyncOptions.MaxNumberOfParallelReconciliationRequests"/>), shared by
    /// outgoing and incoming runs; 0 for a monitor without a scheduler.
    /// </summary>
    public int ExecutionPoolSize => _scheduler?.PoolSize ?? 0;

    /// <summary>The execution pool's slots in use now, by outgoing and incoming runs; at <see cref="ExecutionPoolSize"/> a peer's run is refused as too busy.</summary>
    public int ExecutionPoolSlotsInUse => _scheduler?.RunningCount ?? 0;

    /// <summary>Whether the scheduler is dispatching jobs (it starts with the host or the node, once the ledger graph has loaded it claims due jobs).</summary>
    public bool IsSchedulerStarted => _scheduler?.IsStarted ?? false;

    /// <summary>Creates the monitor over the in-flight runs, the status store and the ledger graph (scheduled counts then come from this node's in-flight runs only).</summary>
    internal ReconciliationMonitor(ReconciliationRunRegistry registry, IStatusStore statusStore, ILedgerGraph ledgerGraph)
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
    /// JMX <c>NumberOfScheduledReconciliations</c>: outgoing jobs in the job queue waiting for a pool slot, their start
    /// time, or a retry (on every instance sharing the store). A store that answers synchronously (the in-memory one) is
    /// read live; a SQL store's count is the one of the latest asynchronous read (<see cref="GetCountsAsync"/>,
    /// <see cref="GetNumberOfScheduledReconciliationsAsync"/>, or the metrics' refresh).
    /// </summary>
    public int NumberOfScheduledReconciliations
    {
        get
        {
            if (_jobQueries is null)
            {
                return CountInFlight(ReconciliationRole.Requester, queued: true);
            }

            var read = _jobQueries.GetCountsAsync();
            if (read.IsCompletedSuccessfully)
            {
                return Remember(read.Result);
            }

            read.ContinueWith(static (t, state) => ((ReconciliationMonitor)state!).Remember(t.Result), this, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            var known = Volatile.Read(ref _queuedInStore);
            return known >= 0 ? known : CountInFlight(ReconciliationRole.Requester, queued: true);
        }
    }

    /// <summary><see cref="NumberOfScheduledReconciliations"/> read from the job queue now.</summary>
    public async Task<int> GetNumberOfScheduledReconciliationsAsync(CancellationToken cancellationToken = default)
    {
        if (_jobQueries is null)
        {
            return CountInFlight(ReconciliationRole.Requester, queued: true);
        }

        return Remember(await _jobQueries.GetCountsAsync(cancellationToken).ConfigureAwait(false));
    }

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
        var scheduled = await GetNumberOfScheduledReconciliationsAsync(cancellationToken).ConfigureAwait(false);
        var inProgress = NumberOfReconciliationsInProgress;
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

    private int Remember(ReconciliationJobCounts counts)
    {
        Volatile.Write(ref _queuedInStore, counts.QueuedOutgoing);
        return counts.QueuedOutgoing;
    }

    private int CountInFlight(ReconciliationRole role, bool queued)
    {
        var count = 0;
        foreach (var run in _registry.Runs)
        {
            // Recoveries share the registry (for the in-flight dump and the stuck-session monitor) but are not reconciliations.
            if (run.FlowName == FlowNames.ReconcileWithParty && run.Role == role && !run.HasEnded && IsQueued(run.CurrentWait) == queued)
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
