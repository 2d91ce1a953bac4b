using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// Runs reconciliations: a persisted queue of outgoing jobs (immediate, timed or recurring) and one bounded execution
/// pool (<see cref="LedgerSyncOptions.MaxNumberOfParallelReconciliationRequests"/> slots) shared by outgoing runs and
/// admitted incoming ones. A busy peer is retried with growing, jittered back-off until
/// <see cref="LedgerSyncOptions.MaxReconciliationRetryAttemptTimeout"/>; each running job holds a lease that it renews,
/// so several instances sharing one job store run each job exactly once and a crashed instance's jobs are taken over.
/// </summary>
/// <remarks>
/// Register it with <c>AddLedgerSync()</c>; it is a hosted service (<see cref="StartAsync"/> starts dispatching,
/// <see cref="StopAsync"/> stops claiming new jobs, waits for running ones until the host's shutdown timeout, then
/// interrupts them and gives their jobs back to the queue). Without a host, resolve it from the container and call
/// <see cref="StartAsync"/> and <see cref="StopAsync"/> (or <see cref="DisposeAsync"/>) yourself. Jobs can be scheduled
/// before it starts; they run once it has started.
/// </remarks>
public sealed partial class ReconciliationScheduler : IHostedService, IAsyncDisposable, IDisposable, IIncomingReconciliationAdmission
{
    private const string InterruptedByRestart = ReconciliationStatusRules.InterruptedByRestart;

    private readonly IReconciliationInitiator _initiator;
    private readonly ReconciliationStatusRecorder _statusStore;
    private readonly IReconciliationJobStore _jobStore;
    private readonly ILedgerGraph _ledgerGraph;
    private readonly ReconciliationRunRegistry _registry;
    private readonly LedgerSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly string _owner;
    private readonly int _capacity;
    private readonly Lock _poolLock = new();
    private readonly Lock _trackerLock = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly SemaphoreSlim _transitionGate = new(1, 1);
    private readonly ConcurrentDictionary<Guid, ActiveRun> _active = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _shutdown = new();
    private TaskCompletionSource _activeChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _dispatchStopping;
    private Task? _dispatchLoop;
    private int _slotsInUse;
    private int _maxSlotsInUse;
    private int _disposed;
    private DateTimeOffset _nextRecovery = DateTimeOffset.MinValue;

    internal ReconciliationScheduler(
        IReconciliationInitiator initiator,
        IStatusStore statusStore,
        IReconciliationJobStore jobStore,
        ILedgerGraph ledgerGraph,
        ReconciliationRunRegistry registry,
        IOptions<LedgerSyncOptions> options,
        TimeProvider timeProvider,
        ILogger<ReconciliationScheduler> logger,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _initiator = initiator ?? throw new ArgumentNullException(nameof(initiator));
        _statusStore = new ReconciliationStatusRecorder(statusStore ?? throw new ArgumentNullException(nameof(statusStore)));
        _jobStore = jobStore ?? throw new ArgumentNullException(nameof(jobStore));
        _ledgerGraph = ledgerGraph ?? throw new ArgumentNullException(nameof(ledgerGraph));
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options.Value;
        _random = random ?? Random.Shared;
        _capacity = _options.MaxNumberOfParallelReconciliationRequests;
        _owner = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");
    }

    /// <summary>How often the dispatcher looks at the job store when nothing wakes it (jobs added by other instances, expired leases).</summary>
    internal TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>This instance's identity as a job owner in the store.</summary>
    public string InstanceId => _owner;

    /// <summary>The size of the execution pool.</summary>
    public int PoolSize => _capacity;

    /// <summary>The pool slots in use now (outgoing and incoming runs).</summary>
    public int RunningCount
    {
        get
        {
            lock (_poolLock)
            {
                return _slotsInUse;
            }
        }
    }

    /// <summary>The most pool slots ever in use at once (for tests and diagnostics).</summary>
    internal int MaxRunningCount
    {
        get
        {
            lock (_poolLock)
            {
                return _maxSlotsInUse;
            }
        }
    }

    /// <summary>Whether the dispatcher is running.</summary>
    public bool IsStarted => _dispatchLoop is not null;

    /// <summary>
    /// Queues an outgoing reconciliation with each party, to start as soon as a pool slot is free, at
    /// <paramref name="startAt"/>, and (with <paramref name="repeatEvery"/>) again at that interval until stopped.
    /// Returns once every job is queued (and persisted, with a durable store).
    /// </summary>
    /// <exception cref="ReconciliationWithSelfException">A party is this node.</exception>
    /// <exception cref="ReconciliationAlreadyScheduledException">An outgoing reconciliation with a party is already queued or running, or the party is reconciling with this node.</exception>
    /// <exception cref="LedgerGraphNotReadyException">The ledger graph is not initialized or not self-consistent.</exception>
    public async Task ScheduleAsync(
        IReadOnlyCollection<PartyName> parties,
        DateTimeOffset? startAt = null,
        TimeSpan? repeatEvery = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parties);
        if (parties.Count == 0)
        {
            throw new ArgumentException("At least one party is required.", nameof(parties));
        }

        if (repeatEvery is { } every && every <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(repeatEvery), every, "A recurring schedule needs a positive interval.");
        }

        using var scope = _logger.BeginFlowScope(FlowNames.ScheduleReconciliation);
        var local = _options.LocalParty
            ?? throw new LedgerSyncConfigurationException("LocalParty is not set: the scheduler cannot tell whether a party is this node. Set LedgerSync:LocalParty.", nameof(LedgerSyncOptions.LocalParty));
        var seen = new HashSet<PartyName>();
        foreach (var party in parties)
        {
            ArgumentNullException.ThrowIfNull(party, nameof(parties));
            if (party == local)
            {
                throw new ReconciliationWithSelfException(party);
            }

            if (!seen.Add(party))
            {
                throw new ReconciliationAlreadyScheduledException(party, $"{party} appears more than once in the list of parties to schedule.");
            }
        }

        EnsureLedgerGraphReady();
        foreach (var party in parties)
        {
            await EnsureNotBusyWithAsync(party, cancellationToken).ConfigureAwait(false);
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var dueAt = startAt is { } at && at > now ? at : now;
            foreach (var party in parties)
            {
                var job = new ReconciliationJob
                {
                    JobId = Guid.NewGuid(),
                    Party = party,
                    IsRequester = true,
                    RunId = Guid.NewGuid(),
                    State = ReconciliationJobState.Queued,
                    DueAt = dueAt,
                    CreatedAt = now,
                    RepeatEvery = repeatEvery,
                };
                if (!await _jobStore.TryAddAsync(job, cancellationToken).ConfigureAwait(false))
                {
                    throw AlreadyScheduled(party, null);
                }

                var tracker = TrackerFor(job.RunId, party, ReconciliationRole.Requester);
                tracker.Stage(dueAt > now ? string.Create(CultureInfo.InvariantCulture, $"scheduled for {dueAt:O}") : "queued");
                tracker.WaitingOn(dueAt > now ? RunWaitReason.ScheduledTime : RunWaitReason.PoolSlot);
                Log.Scheduled(_logger, party, job.RunId, dueAt, repeatEvery);
            }
        }
        finally
        {
            _startGate.Release();
        }

        Wake();
    }

    /// <summary>
    /// Stops all work with <paramref name="party"/> in one step, in both roles: cancels queued, timed, recurring and
    /// backing-off jobs and running runs, records <c>STOPPED</c>, and frees their pool slots at once. A status row left
    /// <c>IN_PROGRESS</c> with nothing running behind it is set to <c>STOPPED</c> too. Returns whether anything was stopped.
    /// </summary>
    public async Task<bool> StopReconciliationAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        using var scope = _logger.BeginFlowScope(FlowNames.StopReconciliationForParty, party: party);
        var stopped = false;
        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _transitionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var recorded = new HashSet<Guid>();
                var now = _time.GetUtcNow();
                foreach (var run in _active.Values.Where(r => r.Party == party))
                {
                    if (!run.TryMarkEnded())
                    {
                        continue;
                    }

                    run.Stop();
                    RemoveActive(run);
                    await _statusStore.RecordFinishedAsync(new(party, run.IsRequester, run.RunId, ReconciliationState.Stopped, now, null, null), CancellationToken.None).ConfigureAwait(false);
                    run.Tracker.End(ReconciliationState.Stopped);
                    recorded.Add(run.RunId);
                    stopped = true;
                    Log.RunStopped(_logger, party, run.RunId, run.IsRequester ? "outgoing" : "incoming", "running");
                }

                foreach (var job in await _jobStore.RemoveForPartyAsync(party, CancellationToken.None).ConfigureAwait(false))
                {
                    if (!recorded.Add(job.RunId))
                    {
                        continue;
                    }

                    await _statusStore.RecordFinishedAsync(new(party, job.IsRequester, job.RunId, ReconciliationState.Stopped, now, null, null), CancellationToken.None).ConfigureAwait(false);
                    if (_registry.TryGet(job.RunId, out var tracker))
                    {
                        tracker!.End(ReconciliationState.Stopped);
                    }

                    stopped = true;
                    Log.RunStopped(_logger, party, job.RunId, job.IsRequester ? "outgoing" : "incoming", job.State == ReconciliationJobState.Running ? "running on " + job.Owner : "queued");
                }

                foreach (var isRequester in (bool[])[true, false])
                {
                    if (await _statusStore.RecordStaleRunStoppedAsync(party, isRequester, now, recorded, CancellationToken.None).ConfigureAwait(false) is { } staleRun)
                    {
                        stopped = true;
                        Log.RunStopped(_logger, party, staleRun, isRequester ? "outgoing" : "incoming", "stale IN_PROGRESS row");
                    }
                }
            }
            finally
            {
                _transitionGate.Release();
            }
        }
        finally
        {
            _startGate.Release();
        }

        Wake();
        return stopped;
    }

    /// <summary>Whether an outgoing reconciliation with <paramref name="party"/> is known to the scheduler (queued, timed, backing off or running).</summary>
    public async Task<bool> IsScheduledAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        if (_active.Values.Any(r => r.IsRequester && r.Party == party))
        {
            return true;
        }

        var jobs = await _jobStore.GetForPartyAsync(party, cancellationToken).ConfigureAwait(false);
        return jobs.Any(j => j.IsRequester);
    }

    /// <summary>Whether an incoming reconciliation from <paramref name="party"/> is in progress (on this or, with a shared store, another instance).</summary>
    public async Task<bool> IsRespondingAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        if (_active.Values.Any(r => !r.IsRequester && r.Party == party))
        {
            return true;
        }

        var jobs = await _jobStore.GetForPartyAsync(party, cancellationToken).ConfigureAwait(false);
        return jobs.Any(j => !j.IsRequester);
    }

    /// <summary>Starts dispatching queued jobs (and resuming persisted ones).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_poolLock)
        {
            ObjectDisposedException.ThrowIf(_shutdown.IsCancellationRequested, this);
            if (_dispatchLoop is not null)
            {
                return Task.CompletedTask;
            }

            _dispatchStopping = new CancellationTokenSource();
            var token = _dispatchStopping.Token;
            _dispatchLoop = Task.Run(() => DispatchLoopAsync(token), CancellationToken.None);
        }

        Log.SchedulerStarted(_logger, _owner, _capacity);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops claiming jobs, waits for running runs to finish until <paramref name="cancellationToken"/> is cancelled (the
    /// host's shutdown timeout), then interrupts the rest: their jobs go back to the queue and run again after a restart.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task? loop;
        lock (_poolLock)
        {
            loop = _dispatchLoop;
            _dispatchLoop = null;
        }

        if (loop is null)
        {
            return;
        }

        await _dispatchStopping!.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        _dispatchStopping.Dispose();
        Log.SchedulerDraining(_logger, _active.Count);

        try
        {
            await WaitForNoActiveRunsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.SchedulerInterrupting(_logger, _active.Count);
            await InterruptAllAsync().ConfigureAwait(false);
        }

        Log.SchedulerStopped(_logger);
    }

    /// <summary>Stops at once (interrupting running runs, whose jobs go back to the queue) and releases resources.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync().ConfigureAwait(false);
            await StopAsync(cancelled.Token).ConfigureAwait(false);
        }

        await InterruptAllAsync().ConfigureAwait(false);
        _startGate.Dispose();
        _transitionGate.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>Stops at once, like <see cref="DisposeAsync"/>, blocking until running runs have unwound (for containers disposed synchronously).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    async ValueTask<IIncomingReconciliation?> IIncomingReconciliationAdmission.TryAdmitAsync(PartyName requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (_shutdown.IsCancellationRequested || !TryTakeSlot())
        {
            Log.IncomingRefusedBusy(_logger, requester, _capacity);
            return null;
        }

        RunTracker? tracker = null;
        try
        {
            await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var now = _time.GetUtcNow();
                var runId = Guid.NewGuid();
                var lease = new ReconciliationJob
                {
                    JobId = runId,
                    Party = requester,
                    IsRequester = false,
                    RunId = runId,
                    State = ReconciliationJobState.Running,
                    DueAt = now,
                    CreatedAt = now,
                    Owner = _owner,
                    LeaseUntil = now + _options.RunLeaseDuration,
                };
                tracker = TrackerFor(runId, requester, ReconciliationRole.Responder);
                await _jobStore.TryAddAsync(lease, cancellationToken).ConfigureAwait(false);
                await _statusStore.RecordStartedAsync(requester, false, runId, now, cancellationToken).ConfigureAwait(false);
                var run = new ActiveRun(lease, tracker, now, _shutdown.Token);
                _active[runId] = run;
                run.Execution = null;
                _ = RenewLeaseLoopAsync(run);
                Log.IncomingAdmitted(_logger, requester, runId);
                return new IncomingReconciliation(this, run);
            }
            finally
            {
                _startGate.Release();
            }
        }
        catch
        {
            ReturnSlot();
            tracker?.End(ReconciliationState.Failed, 0, "the incoming run could not be admitted");
            throw;
        }
    }

    internal async Task CompleteIncomingAsync(ActiveRun run, ReconciliationState state, string? errorMessage, CancellationToken cancellationToken)
    {
        if (state == ReconciliationState.InProgress)
        {
            throw new ArgumentException("IN_PROGRESS is not an end state.", nameof(state));
        }

        if (state == ReconciliationState.Failed && string.IsNullOrWhiteSpace(errorMessage))
        {
            errorMessage = "the responder failed without giving a reason";
        }

        try
        {
            await FinishAsync(run, state, null, errorMessage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            RemoveActive(run);
            run.Dispose();
        }
    }

    /// <summary>Waits until no run holds a pool slot.</summary>
    internal async Task WaitForNoActiveRunsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _activeChanged).Task;
            if (_active.IsEmpty)
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DispatchLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var wait = PollInterval;
            try
            {
                await RecoverExpiredIncomingAsync(stopping).ConfigureAwait(false);
                while (TryTakeSlot())
                {
                    ActiveRun? run;
                    try
                    {
                        run = await TryStartNextAsync(stopping).ConfigureAwait(false);
                    }
                    catch
                    {
                        ReturnSlot(wake: false);
                        throw;
                    }

                    if (run is null)
                    {
                        // Nothing to start: the dispatcher itself took this slot, so returning it must not wake the
                        // dispatcher again (that would make an idle scheduler spin).
                        ReturnSlot(wake: false);
                        break;
                    }

                    run.Execution = Task.Run(() => ExecuteAsync(run), CancellationToken.None);
                }

                if (HasFreeSlot() && await _jobStore.GetNextDueAsync(stopping).ConfigureAwait(false) is { } nextDue)
                {
                    var untilDue = nextDue - _time.GetUtcNow();
                    if (untilDue > TimeSpan.Zero && untilDue < wait)
                    {
                        wait = untilDue;
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.DispatchFailed(_logger, e);
            }

            try
            {
                await WaitForWakeAsync(wait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<ActiveRun?> TryStartNextAsync(CancellationToken stopping)
    {
        await _startGate.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var job = await _jobStore.TryClaimNextAsync(_owner, now, now + _options.RunLeaseDuration, Guid.NewGuid(), stopping).ConfigureAwait(false);
            if (job is null)
            {
                return null;
            }

            var tracker = TrackerFor(job.RunId, job.Party, ReconciliationRole.Requester);
            tracker.WaitingOn(RunWaitReason.None);
            var run = new ActiveRun(job, tracker, now, _shutdown.Token);
            try
            {
                using var scope = _logger.BeginFlowScope(FlowNames.ReconcileWithParty, job.RunId, job.Party);
                if (job.InterruptedRunId is { } interrupted && interrupted != job.RunId)
                {
                    if (_registry.TryGet(interrupted, out var old))
                    {
                        old!.End(ReconciliationState.Failed, 0, InterruptedByRestart);
                    }

                    await _statusStore.RecordFinishedAsync(new(job.Party, true, interrupted, ReconciliationState.Failed, now, null, InterruptedByRestart), stopping).ConfigureAwait(false);
                    Log.InterruptedRunRequeued(_logger, job.Party, interrupted, job.RunId);
                }

                if (job.Attempt == 0)
                {
                    await _statusStore.RecordStartedAsync(job.Party, true, job.RunId, now, stopping).ConfigureAwait(false);
                    tracker.Stage("started");
                    Log.RunStarted(_logger, job.Party, job.RunId);
                }
                else
                {
                    tracker.Stage(string.Create(CultureInfo.InvariantCulture, $"retry {job.Attempt} started"));
                    Log.RunRetrying(_logger, job.Party, job.RunId, job.Attempt);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The run could not be recorded as started: give the job back so it is tried again.
                Log.RunStartFailed(_logger, job.Party, job.RunId, e);
                await _jobStore.RetryLaterAsync(job.JobId, _owner, now + _options.RetryInitialDelay, job.FirstAttemptAt ?? now, CancellationToken.None).ConfigureAwait(false);
                run.Dispose();
                return null;
            }

            _active[job.RunId] = run;
            return run;
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task ExecuteAsync(ActiveRun run)
    {
        using var scope = _logger.BeginFlowScope(FlowNames.ReconcileWithParty, run.RunId, run.Party);
        var leaseLoop = RenewLeaseLoopAsync(run);
        try
        {
            var result = await _initiator.ReconcileAsync(new ReconciliationRequest(run.Party, run.RunId, run.Tracker), run.Token).ConfigureAwait(false);
            await FinishAsync(run, result.State, result.Missing, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MaxIncomingSessionsExceededException busy) when (!run.Token.IsCancellationRequested)
        {
            await BackOffOrFailAsync(run, busy).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            await InterruptedAsync(run).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await FinishAsync(run, ReconciliationState.Failed, null, Describe(e), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            RemoveActive(run);
            await leaseLoop.ConfigureAwait(false);
            run.Dispose();
        }
    }

    private async Task FinishAsync(ActiveRun run, ReconciliationState state, IReadOnlyList<TransactionId>? missing, string? error, CancellationToken cancellationToken)
    {
        await _transitionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!run.TryMarkEnded())
            {
                return;
            }

            var now = _time.GetUtcNow();
            var job = run.Job;
            if (!await _jobStore.RenewLeaseAsync(job.JobId, _owner, now + _options.RunLeaseDuration, cancellationToken).ConfigureAwait(false))
            {
                LoseLease(run);
                return;
            }

            try
            {
                await _statusStore.RecordFinishedAsync(new(run.Party, run.IsRequester, run.RunId, state, now, missing, error), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The outcome could not be stored: keep the job running so that, once its lease expires, the run is
                // recorded as interrupted and (outgoing) queued again rather than silently lost.
                Log.StatusWriteFailed(_logger, run.Party, run.RunId, e);
                run.Tracker.End(ReconciliationState.Failed, 0, "the outcome could not be stored: " + e.Message);
                return;
            }

            DateTimeOffset? nextDue = null;
            var nextRunId = Guid.NewGuid();
            if (run.IsRequester && job.RepeatEvery is { } every)
            {
                nextDue = NextOccurrence(job.DueAt, every, now);
                var next = TrackerFor(nextRunId, run.Party, ReconciliationRole.Requester);
                next.Stage(string.Create(CultureInfo.InvariantCulture, $"scheduled for {nextDue:O} (every {every})"));
                next.WaitingOn(RunWaitReason.ScheduledTime);
            }

            await _jobStore.CompleteAsync(job.JobId, _owner, nextDue, nextRunId, CancellationToken.None).ConfigureAwait(false);
            run.Tracker.End(state, missing?.Count ?? 0, error);
            if (state == ReconciliationState.Failed)
            {
                Log.RunFailed(_logger, run.Party, run.RunId, run.IsRequester ? "outgoing" : "incoming", error ?? string.Empty);
            }
            else
            {
                var stateName = state.ToName();
                Log.RunSucceeded(_logger, run.Party, run.RunId, run.IsRequester ? "outgoing" : "incoming", stateName, missing?.Count ?? 0);
            }
        }
        finally
        {
            _transitionGate.Release();
        }
    }

    private async Task BackOffOrFailAsync(ActiveRun run, MaxIncomingSessionsExceededException busy)
    {
        var job = run.Job;
        var now = _time.GetUtcNow();
        var firstAttempt = job.FirstAttemptAt ?? run.StartedAt;
        var elapsed = now - firstAttempt;
        var timeout = _options.MaxReconciliationRetryAttemptTimeout;
        if (elapsed >= timeout)
        {
            var reason = string.Create(
                CultureInfo.InvariantCulture,
                $"{run.Party} stayed too busy to reconcile (its pool of parallel reconciliations was full) through {job.Attempt + 1} attempt(s) over {elapsed}; gave up after maxReconciliationRetryAttemptTimeout = {timeout}. Last answer: {busy.Message}");
            await FinishAsync(run, ReconciliationState.Failed, null, reason, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var delay = RetryBackoff.Delay(job.Attempt, _options.RetryInitialDelay, _options.RetryMaxDelay, _random);
        if (delay > timeout - elapsed)
        {
            delay = timeout - elapsed;
        }

        await _transitionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!run.TryMarkEnded())
            {
                return;
            }

            var dueAt = now + delay;
            if (!await _jobStore.RetryLaterAsync(job.JobId, _owner, dueAt, firstAttempt, CancellationToken.None).ConfigureAwait(false))
            {
                LoseLease(run);
                return;
            }

            run.Tracker.WaitingOn(RunWaitReason.RetryBackoff);
            run.Tracker.Stage(string.Create(CultureInfo.InvariantCulture, $"peer busy; retry {job.Attempt + 1} at {dueAt:O}"));
            Log.PeerBusy(_logger, run.Party, run.RunId, job.Attempt + 1, delay);
        }
        finally
        {
            _transitionGate.Release();
        }
    }

    private async Task InterruptedAsync(ActiveRun run)
    {
        if (run.StoppedByOperator)
        {
            return;
        }

        if (run.LeaseLost)
        {
            await _transitionGate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (run.TryMarkEnded())
                {
                    LoseLease(run);
                }
            }
            finally
            {
                _transitionGate.Release();
            }

            return;
        }

        // The node is shutting down: give the job back; the next claimer records this run as interrupted.
        await _transitionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!run.TryMarkEnded())
            {
                return;
            }

            try
            {
                await _jobStore.ReleaseAsync(run.Job.JobId, _owner, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The lease will expire and another claimer takes the job over.
                Log.ReleaseFailed(_logger, run.Party, run.RunId, e);
            }

            run.Tracker.End(ReconciliationState.Failed, 0, "interrupted by node shutdown; queued again");
            Log.RunInterrupted(_logger, run.Party, run.RunId);
        }
        finally
        {
            _transitionGate.Release();
        }
    }

    private void LoseLease(ActiveRun run)
    {
        run.LoseLease();
        run.Tracker.End(ReconciliationState.Failed, 0, "lease lost: another scheduler instance took the job over or it was stopped");
        Log.LeaseLost(_logger, run.Party, run.RunId);
    }

    private async Task RenewLeaseLoopAsync(ActiveRun run)
    {
        var cancellationToken = run.RenewalToken;
        var interval = _options.RunLeaseDuration / 3;
        try
        {
            while (true)
            {
                await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
                bool held;
                try
                {
                    held = await _jobStore.RenewLeaseAsync(run.Job.JobId, _owner, _time.GetUtcNow() + _options.RunLeaseDuration, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.LeaseRenewalFailed(_logger, run.Party, run.RunId, e);
                    continue;
                }

                if (!held && !run.HasEnded)
                {
                    Log.LeaseLost(_logger, run.Party, run.RunId);
                    run.LoseLease();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    private async Task RecoverExpiredIncomingAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _nextRecovery)
        {
            return;
        }

        _nextRecovery = now + PollInterval;
        var expired = await _jobStore.TakeExpiredIncomingAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var lease in expired)
        {
            await _statusStore.RecordInterruptedAsync(lease.Party, false, lease.RunId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

            Log.InterruptedIncomingRecorded(_logger, lease.Party, lease.RunId);
        }
    }

    private async Task InterruptAllAsync()
    {
        if (!_shutdown.IsCancellationRequested)
        {
            await _shutdown.CancelAsync().ConfigureAwait(false);
        }

        var executions = _active.Values.Select(r => r.Execution).OfType<Task>().ToArray();
        await Task.WhenAll(executions).ConfigureAwait(false);
    }

    private async Task WaitForWakeAsync(TimeSpan wait, CancellationToken stopping)
    {
        if (_wake.Reader.TryRead(out _))
        {
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var woken = _wake.Reader.WaitToReadAsync(waiting.Token).AsTask();
        var timedOut = Task.Delay(wait, _time, waiting.Token);
        await Task.WhenAny(woken, timedOut).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        _wake.Reader.TryRead(out _);
        stopping.ThrowIfCancellationRequested();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private bool TryTakeSlot()
    {
        lock (_poolLock)
        {
            if (_slotsInUse >= _capacity)
            {
                return false;
            }

            _slotsInUse++;
            _maxSlotsInUse = Math.Max(_maxSlotsInUse, _slotsInUse);
            return true;
        }
    }

    private bool HasFreeSlot()
    {
        lock (_poolLock)
        {
            return _slotsInUse < _capacity;
        }
    }

    private void ReturnSlot(bool wake = true)
    {
        lock (_poolLock)
        {
            _slotsInUse--;
        }

        if (wake)
        {
            Wake();
        }
    }

    private void RemoveActive(ActiveRun run)
    {
        run.StopRenewal();
        if (run.TryReleaseSlot())
        {
            ReturnSlot();
        }

        if (_active.TryRemove(run.RunId, out _))
        {
            Interlocked.Exchange(ref _activeChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private RunTracker TrackerFor(Guid runId, PartyName party, ReconciliationRole role)
    {
        lock (_trackerLock)
        {
            return _registry.TryGet(runId, out var existing) ? existing! : _registry.Start(runId, FlowNames.ReconcileWithParty, party, role);
        }
    }

    private void EnsureLedgerGraphReady()
    {
        var initialized = _ledgerGraph.IsInitialized;
        var consistent = initialized && _ledgerGraph.IsSelfConsistent;
        if (!initialized || !consistent)
        {
            var errors = initialized ? _ledgerGraph.Errors.Take(20).Select(e => e.Message).ToArray() : [];
            Log.LedgerGraphNotReady(_logger, initialized, consistent, errors.Length);
            throw new LedgerGraphNotReadyException(initialized, consistent, errors);
        }
    }

    private async Task EnsureNotBusyWithAsync(PartyName party, CancellationToken cancellationToken)
    {
        var incoming = _active.Values.FirstOrDefault(r => !r.IsRequester && r.Party == party);
        if (incoming is not null)
        {
            throw AlreadyScheduled(party, incoming.Job);
        }

        var jobs = await _jobStore.GetForPartyAsync(party, cancellationToken).ConfigureAwait(false);
        if (jobs.Count > 0)
        {
            throw AlreadyScheduled(party, jobs.FirstOrDefault(j => j.IsRequester) ?? jobs[0]);
        }
    }

    private static ReconciliationAlreadyScheduledException AlreadyScheduled(PartyName party, ReconciliationJob? job)
    {
        var message = job switch
        {
            { IsRequester: false } => $"{party} is reconciling with this node right now (incoming run {job.RunId}); schedule again once it has finished, or stop it with StopReconciliationForPartyFlow.",
            { State: ReconciliationJobState.Running } => $"An outgoing reconciliation with {party} is already running (run {job.RunId}); wait for it to finish or stop it with StopReconciliationForPartyFlow.",
            { Attempt: > 0 } => $"An outgoing reconciliation with {party} is already scheduled (run {job.RunId}, waiting to retry a busy peer); stop it with StopReconciliationForPartyFlow to schedule anew.",
            { } => string.Create(CultureInfo.InvariantCulture, $"An outgoing reconciliation with {party} is already scheduled (run {job.RunId}, due {job.DueAt:O}{(job.RepeatEvery is { } r ? $", every {r}" : string.Empty)}); stop it with StopReconciliationForPartyFlow to schedule anew."),
            null => $"An outgoing reconciliation with {party} is already queued or running; stop it with StopReconciliationForPartyFlow to schedule anew.",
        };
        return new ReconciliationAlreadyScheduledException(party, message);
    }

    private static DateTimeOffset NextOccurrence(DateTimeOffset previousDue, TimeSpan every, DateTimeOffset now)
    {
        if (previousDue + every > now)
        {
            return previousDue + every;
        }

        var missed = (now - previousDue).Ticks / every.Ticks;
        return previousDue + TimeSpan.FromTicks(every.Ticks * (missed + 1));
    }

    private static string Describe(Exception e) => e is LedgerSyncException ? e.Message : $"{e.GetType().Name}: {e.Message}";
}
