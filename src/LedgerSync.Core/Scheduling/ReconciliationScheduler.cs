using System.Globalization;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Status;
using LedgerSync.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// The scheduler's thin entry point: the host starts and stops it, and the flows (<c>ReconciliationFlows</c>, the public
/// entry for scheduling, stopping and asking whether a party is scheduled or responding) call its internal methods. The work is done by small
/// internal parts: the <c>ExecutionPool</c> shared by outgoing and incoming runs, the <c>ReconciliationDispatcher</c>
/// that claims due jobs, the <c>LeaseKeeper</c> that renews leases and takes over expired ones, the
/// <c>RunOutcomeRecorder</c> that owns every end-of-run transition, the <c>ReconciliationRetryPolicy</c> and the
/// <c>ReconciliationRequestValidator</c> (see docs/scheduler-and-flows.md).
/// </summary>
/// <remarks>
/// Internal: <c>AddLedgerSync()</c> registers it as a hosted service, and <c>LedgerSyncNode</c> starts it with the
/// node's other parts; operators read its pool through <c>ReconciliationMonitor</c>. It is a hosted service (<see cref="StartAsync"/> starts dispatching once
/// the ledger graph has loaded, <see cref="StopAsync"/> stops claiming new jobs, waits for running ones until the
/// host's shutdown timeout, then interrupts them and gives their jobs back to the queue). Jobs can be
/// scheduled before it starts; they run once it has started.
/// </remarks>
internal sealed class ReconciliationScheduler : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly ExecutionPool _pool;
    private readonly RunOutcomeRecorder _recorder;
    private readonly ReconciliationDispatcher _dispatcher;
    private readonly LeaseKeeper _leaseKeeper;
    private readonly ReconciliationRequestValidator _validator;
    private readonly IReconciliationJobStore _jobStore;
    private readonly IReconciliationJobQueries _queries;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private int _disposed;

    internal ReconciliationScheduler(
        ExecutionPool pool,
        RunOutcomeRecorder recorder,
        PoolAdmission admission,
        ReconciliationDispatcher dispatcher,
        LeaseKeeper leaseKeeper,
        ReconciliationRequestValidator validator,
        IReconciliationJobStore jobStore,
        IReconciliationJobQueries queries,
        TimeProvider time,
        ILogger logger)
    {
        _pool = pool;
        _recorder = recorder;
        Admission = admission;
        _dispatcher = dispatcher;
        _leaseKeeper = leaseKeeper;
        _validator = validator;
        _jobStore = jobStore;
        _queries = queries;
        _time = time;
        _logger = logger;
        _leaseKeeper.JobsRecovered += _dispatcher.Wake;
    }

    /// <summary>The size of the execution pool.</summary>
    public int PoolSize => _pool.Capacity;

    /// <summary>The pool slots in use now (outgoing and incoming runs).</summary>
    public int RunningCount => _pool.InUse;

    /// <summary>Whether the dispatcher is running.</summary>
    public bool IsStarted => _dispatcher.IsRunning;

    /// <summary>The most pool slots ever in use at once (for tests and diagnostics).</summary>
    internal int MaxRunningCount => _pool.MaxInUse;

    /// <summary>The responder's admission into the same pool.</summary>
    internal IIncomingReconciliationAdmission Admission { get; }

    internal ReconciliationDispatcher Dispatcher => _dispatcher;

    internal LeaseKeeper LeaseKeeper => _leaseKeeper;

    internal RunOutcomeRecorder Recorder => _recorder;

    /// <summary>
    /// Queues an outgoing reconciliation with each party, to start as soon as a pool slot is free, at
    /// <paramref name="startAt"/>, and (with <paramref name="repeatEvery"/>) again at that interval until stopped.
    /// Returns once every job is queued (and persisted, with a durable store).
    /// </summary>
    /// <exception cref="ReconciliationWithSelfException">A party is this node.</exception>
    /// <exception cref="ReconciliationAlreadyScheduledException">An outgoing reconciliation with a party is already queued or running, or the party is reconciling with this node.</exception>
    /// <exception cref="PeerUnreachableException">The peer transport has no way to reach a party (<see cref="IPeerTransport.CanReach"/>).</exception>
    /// <exception cref="LedgerGraphNotReadyException">The ledger graph is not initialized or not self-consistent.</exception>
    internal async Task ScheduleAsync(
        IReadOnlyCollection<PartyName> parties,
        DateTimeOffset? startAt = null,
        TimeSpan? repeatEvery = null,
        CancellationToken cancellationToken = default)
    {
        using var scope = _logger.BeginFlowScope(FlowNames.ScheduleReconciliation);
        await _validator.ValidateAsync(parties, repeatEvery, cancellationToken).ConfigureAwait(false);
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
            var tracker = _recorder.TrackerFor(job.RunId, party, ReconciliationRole.Requester);
            tracker.Stage(dueAt > now ? string.Create(CultureInfo.InvariantCulture, $"scheduled for {dueAt:O}") : "queued");
            tracker.WaitingOn(dueAt > now ? RunWaitReason.ScheduledTime : RunWaitReason.PoolSlot);
            if (!await _jobStore.TryAddAsync(job, cancellationToken).ConfigureAwait(false))
            {
                tracker.End(ReconciliationState.Stopped);
                throw ReconciliationRequestValidator.AlreadyScheduled(party, null);
            }

            SchedulerLog.Scheduled(_logger, party, job.RunId, dueAt, repeatEvery);
            _dispatcher.Wake();
        }
    }

    /// <summary>
    /// Stops all work with <paramref name="party"/> in one step, in both roles: cancels queued, timed, recurring and
    /// backing-off jobs and running runs, records <c>STOPPED</c>, and frees their pool slots at once. A status row left
    /// <c>IN_PROGRESS</c> with nothing running behind it is set to <c>STOPPED</c> too. Returns whether anything was stopped.
    /// </summary>
    internal async Task<bool> StopReconciliationAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        using var scope = _logger.BeginFlowScope(FlowNames.StopReconciliationForParty, party: party);
        var stopped = await _recorder.StopAsync(party, cancellationToken).ConfigureAwait(false);
        _dispatcher.Wake();
        return stopped;
    }

    /// <summary>Whether an outgoing reconciliation with <paramref name="party"/> is queued, timed, backing off or running (on any instance sharing the job store).</summary>
    internal async Task<bool> IsScheduledAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        if (_pool.Runs.Any(r => r.IsRequester && r.Party == party && !r.HasEnded))
        {
            return true;
        }

        var jobs = await _queries.GetForPartyAsync(party, cancellationToken).ConfigureAwait(false);
        return jobs.Any(j => j.IsRequester);
    }

    /// <summary>Whether an incoming reconciliation from <paramref name="party"/> is in progress (on this or, with a shared store, another instance).</summary>
    internal async Task<bool> IsRespondingAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        if (_pool.Runs.Any(r => !r.IsRequester && r.Party == party && !r.HasEnded))
        {
            return true;
        }

        var jobs = await _queries.GetForPartyAsync(party, cancellationToken).ConfigureAwait(false);
        return jobs.Any(j => !j.IsRequester);
    }

    /// <summary>Starts the lease keeper and the dispatcher, which claims persisted and new jobs once the ledger graph has loaded.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_pool.IsShuttingDown, this);
        _leaseKeeper.Start();
        _dispatcher.Start();
        SchedulerLog.SchedulerStarted(_logger, _pool.Capacity);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops claiming jobs, waits for running runs to finish until <paramref name="cancellationToken"/> is cancelled (the
    /// host's shutdown timeout), then interrupts the rest: their jobs go back to the queue and run again after a restart.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_dispatcher.IsRunning)
            {
                return;
            }

            await _dispatcher.StopAsync().ConfigureAwait(false);
            SchedulerLog.SchedulerDraining(_logger, _pool.RunCount);
            try
            {
                await _pool.WaitForNoRunsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                SchedulerLog.SchedulerInterrupting(_logger, _pool.RunCount);
                await InterruptAllAsync().ConfigureAwait(false);
            }

            await _leaseKeeper.StopAsync().ConfigureAwait(false);
            SchedulerLog.SchedulerStopped(_logger);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops at once (interrupting running runs, whose jobs go back to the queue), waits for them to unwind and releases resources.</summary>
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
        await _leaseKeeper.DisposeAsync().ConfigureAwait(false);
        await _dispatcher.DisposeAsync().ConfigureAwait(false);
        _leaseKeeper.JobsRecovered -= _dispatcher.Wake;
    }

    /// <summary>
    /// Signals a stop without waiting (for containers disposed synchronously): running runs are cancelled and give their
    /// jobs back as they unwind; prefer <see cref="DisposeAsync"/>, which waits for that.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _dispatcher.SignalStop();
        _leaseKeeper.SignalStop();
        _pool.BeginShutdown();
    }

    /// <summary>Composes a scheduler and its parts without a container (tests, benchmarks, hosts without DI).</summary>
    internal static ReconciliationScheduler Create(
        IReconciliationInitiator initiator,
        IStatusStore statusStore,
        IReconciliationJobStore jobStore,
        IReconciliationJobQueries queries,
        ILedgerGraph ledgerGraph,
        ReconciliationRunRegistry registry,
        IOptions<LedgerSyncOptions> options,
        TimeProvider time,
        ILogger? logger = null,
        Random? random = null,
        IPeerTransport? transport = null)
    {
        var log = logger ?? NullLogger.Instance;
        var pool = new ExecutionPool(options);
        var recorder = new RunOutcomeRecorder(statusStore, jobStore, pool, registry, options, time, log);
        var admission = new PoolAdmission(pool, jobStore, recorder, options, time, log);
        return Create(pool, recorder, admission, initiator, jobStore, queries, ledgerGraph, options, time, log, random, transport);
    }

    /// <summary>Composes the scheduler over a pool, recorder and admission shared with the responder.</summary>
    internal static ReconciliationScheduler Create(
        ExecutionPool pool,
        RunOutcomeRecorder recorder,
        PoolAdmission admission,
        IReconciliationInitiator initiator,
        IReconciliationJobStore jobStore,
        IReconciliationJobQueries queries,
        ILedgerGraph ledgerGraph,
        IOptions<LedgerSyncOptions> options,
        TimeProvider time,
        ILogger logger,
        Random? random,
        IPeerTransport? transport)
    {
        var dispatcher = new ReconciliationDispatcher(pool, jobStore, recorder, new ReconciliationRetryPolicy(options, random), initiator, ledgerGraph, options, time, logger);
        var leaseKeeper = new LeaseKeeper(pool, jobStore, recorder, options, time, logger);
        var validator = new ReconciliationRequestValidator(options, ledgerGraph, transport, pool, queries, logger);
        return new ReconciliationScheduler(pool, recorder, admission, dispatcher, leaseKeeper, validator, jobStore, queries, time, logger);
    }

    private async Task InterruptAllAsync()
    {
        _pool.BeginShutdown();
        var executions = _pool.Runs.Select(r => r.Execution).OfType<Task>().ToArray();
        await Task.WhenAll(executions).ConfigureAwait(false);
    }
}
