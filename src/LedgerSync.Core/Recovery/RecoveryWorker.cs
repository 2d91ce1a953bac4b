using System.Collections.Concurrent;
using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Scheduling;
using LedgerSync.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Recovery;

/// <summary>
/// Runs queued recoveries in the background: claims them from the <see cref="IRecoveryStore"/> (up to
/// <c>maxNumberOfParallelReconciliationRequests</c> at a time), renews each claim's lease while it runs, resumes a
/// recovery whose lease expired (a crash or restart), gives its claim back on shutdown, and after a recovery stored
/// anything refreshes the reconciliation statuses. It also queues a recovery after a reconciliation that found
/// differences when <c>autoRecoverTransactions</c> is on.
/// </summary>
internal sealed partial class RecoveryWorker : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly IRecoveryStore _store;
    private readonly ILedgerGraph _graph;
    private readonly ReconciliationRunRegistry _registry;
    private readonly RecoveryMetrics _metrics;
    private readonly IOptions<LedgerSyncOptions> _options;
    private readonly TimeProvider _time;
    private readonly IPeerTransport? _transport;
    private readonly ITransactionDecoder? _decoder;
    private readonly IRecoveredTransactionSink? _sink;
    private readonly Func<CancellationToken, Task<int>> _refreshStatuses;
    private readonly Func<RecoveryCoordinator>? _coordinator;
    private readonly ILogger _log;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Guid, RunningRecovery> _running = new();
    private readonly BackgroundLoop _loop;
    private CancellationTokenSource _shutdown = new();
    private volatile bool _autoRecovering;
    private int _disposed;

    public RecoveryWorker(
        IRecoveryStore store,
        ILedgerGraph graph,
        ReconciliationRunRegistry registry,
        RecoveryMetrics metrics,
        IOptions<LedgerSyncOptions> options,
        TimeProvider time,
        IPeerTransport? transport,
        ITransactionDecoder? decoder,
        IRecoveredTransactionSink? sink,
        Func<CancellationToken, Task<int>> refreshStatuses,
        Func<RecoveryCoordinator>? coordinator,
        ILogger<RecoveryWorker>? logger)
    {
        _store = store;
        _graph = graph;
        _registry = registry;
        _metrics = metrics;
        _options = options;
        _time = time;
        _transport = transport;
        _decoder = decoder;
        _sink = sink;
        _refreshStatuses = refreshStatuses;
        _coordinator = coordinator;
        _log = (ILogger?)logger ?? NullLogger.Instance;
        _loop = new BackgroundLoop(LoopAsync);
    }

    /// <summary>The recoveries this worker runs now.</summary>
    public int RunningCount => _running.Count;

    /// <summary>Says a recovery was queued, so the worker looks for work now.</summary>
    public void Wake()
    {
        Volatile.Read(ref _wake).TrySetResult();
    }

    /// <summary>Cancels the recovery if this worker runs it (it was stopped in the store).</summary>
    public void Cancel(Guid recoveryId)
    {
        if (_running.TryGetValue(recoveryId, out var running))
        {
            running.Stop();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _autoRecovering = _coordinator is not null;

        if (_shutdown.IsCancellationRequested)
        {
            _shutdown.Dispose();
            _shutdown = new CancellationTokenSource();
        }

        _loop.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _autoRecovering = false;

        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _loop.StopAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Values.Select(r => r.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        Dispose();
    }

    // The container may dispose the worker twice (it is registered as itself and as a hosted service).
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _loop.SignalStop();
        _shutdown.Cancel();
        _shutdown.Dispose();
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // A new signal before looking, so a wake while claiming is not lost.
            var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _wake, wake);
            try
            {
                await ClaimAvailableAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogClaimFailed(_log, ex);
            }

            try
            {
                // Look again when woken (a recovery was queued or one ended) or after a lease length (an expired lease).
                await wake.Task.WaitAsync(_options.Value.RunLeaseDuration, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (TimeoutException)
            {
                // Poll.
            }
        }
    }

    private async Task ClaimAvailableAsync(CancellationToken stopping)
    {
        var capacity = Math.Max(_options.Value.MaxNumberOfParallelReconciliationRequests, 1);
        while (_running.Count < capacity)
        {
            var now = _time.GetUtcNow();
            var claim = await _store.TryClaimNextAsync(now, now + _options.Value.RunLeaseDuration, stopping).ConfigureAwait(false);
            if (claim is null)
            {
                return;
            }

            var running = new RunningRecovery(claim, _shutdown.Token);
            _running[claim.Recovery.RecoveryId] = running;
            running.Completion = Task.Run(() => RunOneAsync(running), CancellationToken.None);
        }
    }

    private async Task RunOneAsync(RunningRecovery running)
    {
        var claim = running.Claim;
        var recovery = claim.Recovery;
        var options = _options.Value;
        using var scope = _log.BeginFlowScope(RecoveryFlowNames.RecoverTransactions, recovery.RecoveryId, recovery.PartyName);
        RunTracker? tracker = null;
        try
        {
            tracker = _registry.Start(recovery.RecoveryId, RecoveryFlowNames.RecoverTransactions, recovery.PartyName, ReconciliationRole.Requester);
        }
        catch (InvalidOperationException)
        {
            // Already tracked (should not happen): run without a tracker.
        }

        // The run's span is current while it runs (one child span per request); its outcome is the recovery's state.
        using var activity = tracker?.StartActivity(ActivityKind.Internal);
        tracker?.Stage(recovery.ClaimCount > 1 ? $"resumed (claim {recovery.ClaimCount}, {recovery.PendingCount} pending)" : $"started ({recovery.RequestedCount} requested)");
        LogStarted(_log, recovery.RecoveryId, recovery.PartyName, recovery.PendingCount, recovery.ClaimCount);
        var renewal = RenewLeaseAsync(running, options.RunLeaseDuration);
        try
        {
            var (state, error) = await ExecuteAsync(claim, tracker, options, running.Token).ConfigureAwait(false);
            var recorded = await FinishAsync(running, tracker, state, error).ConfigureAwait(false);
            SetOutcome(activity, recorded, recorded == RecoveryState.Stopped ? null : error);
        }
        catch (OperationCanceledException) when (running.IsShutdown)
        {
            await claim.ReleaseAsync(_time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            tracker?.End(ReconciliationState.Failed, 0, "interrupted by node shutdown; queued again");
            SetOutcome(activity, RecoveryState.Queued, "interrupted by node shutdown; queued again");
            LogReleased(_log, recovery.RecoveryId, recovery.PartyName);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RecoveryClaimLostException && (running.IsStopped || running.IsLost || ex is RecoveryClaimLostException))
        {
            var stopped = running.IsStopped || (await _store.GetAsync(recovery.RecoveryId, CancellationToken.None).ConfigureAwait(false))?.State == RecoveryState.Stopped;
            tracker?.End(stopped ? ReconciliationState.Stopped : ReconciliationState.Failed, 0, stopped ? null : "the claim was lost: another worker resumed the recovery after its lease expired");
            SetOutcome(activity, stopped ? RecoveryState.Stopped : RecoveryState.Failed, stopped ? null : "the claim was lost: another worker resumed the recovery after its lease expired");
            if (stopped)
            {
                _metrics.Ended(RecoveryState.Stopped);
            }

            LogClaimLost(_log, recovery.RecoveryId, recovery.PartyName, stopped ? "stopped" : "lease lost");
        }
        catch (Exception ex)
        {
            LogUnexpected(_log, ex, recovery.RecoveryId, recovery.PartyName);
            var error = $"the recovery failed unexpectedly ({ex.GetType().Name}); see the node's log";
            var recorded = await FinishAsync(running, tracker, RecoveryState.Failed, error).ConfigureAwait(false);
            SetOutcome(activity, recorded, recorded == RecoveryState.Stopped ? null : error);
        }
        finally
        {
            running.EndRenewal();
            try
            {
                await renewal.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or LedgerSyncException)
            {
                // The renewal loop ends with the run.
            }

            _running.TryRemove(recovery.RecoveryId, out _);
            running.Dispose();
            Wake();
        }
    }

    private Task<(RecoveryState, string?)> ExecuteAsync(IRecoveryClaim claim, RunTracker? tracker, LedgerSyncOptions options, CancellationToken cancellationToken)
    {
        if (_transport is null)
        {
            return Task.FromResult<(RecoveryState, string?)>((RecoveryState.Failed, "this node has no peer transport registered"));
        }

        if (_decoder is null || _sink is null)
        {
            return Task.FromResult<(RecoveryState, string?)>((RecoveryState.Failed, _decoder is null
                ? "this node has no transaction decoder registered (.UseTransactionDecoder), so recovered payloads cannot be verified"
                : "this node has no recovered-transaction sink registered (.UseRecoveredTransactionSink)"));
        }

        var verifier = new RecoveryVerifier(_decoder, _sink, _graph, _options);
        var run = new RecoveryRun(claim, _store, _transport, verifier, _graph, _metrics, options, _time, tracker, _log);
        return run.RunAsync(cancellationToken);
    }

    /// <summary>
    /// Sets the run span's outcome to the recovery's own state (after the tracker's end, which wrote a reconciliation
    /// state there): <c>FINISHED</c>, <c>FAILED</c>, <c>STOPPED</c>, or <c>QUEUED</c> when a shutdown interrupted it.
    /// </summary>
    private static void SetOutcome(RunActivity? activity, RecoveryState state, string? error)
    {
        if (activity?.Activity is not { } span)
        {
            return;
        }

        span.SetTag(LedgerSyncTelemetry.OutcomeTag, state.ToName());
        span.SetTag(LedgerSyncTelemetry.DifferencesTag, null);
        if (state == RecoveryState.Finished)
        {
            span.SetStatus(ActivityStatusCode.Ok);
        }
        else if (error is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error);
        }
        else
        {
            span.SetStatus(ActivityStatusCode.Unset);
        }
    }

    /// <returns>The state recorded: <paramref name="state"/>, or <see cref="RecoveryState.Stopped"/> when the recovery was stopped or taken over first.</returns>
    private async Task<RecoveryState> FinishAsync(RunningRecovery running, RunTracker? tracker, RecoveryState state, string? error)
    {
        var recovery = running.Claim.Recovery;
        if (!await running.Claim.FinishAsync(state, error, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false))
        {
            tracker?.End(ReconciliationState.Stopped);
            LogClaimLost(_log, recovery.RecoveryId, recovery.PartyName, "stopped or taken over before it could end");
            return RecoveryState.Stopped;
        }

        _metrics.Ended(state);
        var ended = await _store.GetAsync(recovery.RecoveryId, CancellationToken.None).ConfigureAwait(false);
        if (state == RecoveryState.Finished)
        {
            LogFinished(_log, recovery.RecoveryId, recovery.PartyName, ended?.RecoveredCount ?? 0, ended?.RejectedCount ?? 0, ended?.RefusedCount ?? 0, ended?.BytesRecovered ?? 0);
            tracker?.End(ReconciliationState.DifferencesNotFound, ended?.RecoveredCount ?? 0);
        }
        else
        {
            LogFailed(_log, recovery.RecoveryId, recovery.PartyName, error ?? string.Empty);
            tracker?.End(ReconciliationState.Failed, 0, error);
        }

        if (ended is { RecoveredCount: > 0 })
        {
            try
            {
                var dropped = await _refreshStatuses(CancellationToken.None).ConfigureAwait(false);
                LogRefreshed(_log, recovery.RecoveryId, dropped);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRefreshFailed(_log, ex, recovery.RecoveryId);
            }
        }

        return state;
    }

    private async Task RenewLeaseAsync(RunningRecovery running, TimeSpan lease)
    {
        var every = TimeSpan.FromTicks(Math.Max(lease.Ticks / 3, 1));
        while (true)
        {
            await Task.Delay(every, _time, running.RenewalToken).ConfigureAwait(false);
            if (!await running.Claim.RenewAsync(_time.GetUtcNow() + lease, running.RenewalToken).ConfigureAwait(false))
            {
                running.Lose();
                return;
            }
        }
    }

    /// <summary>
    /// Queues a recovery after an outgoing reconciliation that found differences, when <c>autoRecoverTransactions</c> is
    /// on and the worker runs (its <see cref="RecoveryWorkerTelemetryListener"/> calls it for every ended run).
    /// </summary>
    internal void OnReconciliationEnded(RunTracker tracker, ReconciliationState outcome, int differences)
    {
        if (!_autoRecovering
            || !_options.Value.AutoRecoverTransactions
            || tracker.Role != ReconciliationRole.Requester
            || tracker.FlowName != FlowNames.ReconcileWithParty
            || outcome != ReconciliationState.DifferencesFound
            || differences == 0
            || _coordinator is null)
        {
            return;
        }

        var party = tracker.Party;
        _ = Task.Run(async () =>
        {
            try
            {
                var queued = await _coordinator().QueueAsync(party, null, _shutdown.Token).ConfigureAwait(false);
                LogAutoRecover(_log, queued.RecoveryId, party, queued.RequestedCount);
            }
            catch (Exception ex) when (ex is LedgerSyncException or OperationCanceledException or ObjectDisposedException)
            {
                LogAutoRecoverSkipped(_log, party, ex is LedgerSyncException ? ex.Message : "the node is shutting down");
            }
        });
    }

    /// <summary>One recovery this worker runs: its claim and the reasons it may be canceled.</summary>
    private sealed class RunningRecovery : IDisposable
    {
        private readonly CancellationTokenSource _cancel;
        private readonly CancellationTokenSource _renewal = new();
        private readonly CancellationToken _shutdown;
        private int _stopped;
        private int _lost;

        public RunningRecovery(IRecoveryClaim claim, CancellationToken shutdown)
        {
            Claim = claim;
            _shutdown = shutdown;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        }

        public IRecoveryClaim Claim { get; }

        public Task Completion { get; set; } = Task.CompletedTask;

        public CancellationToken Token => _cancel.Token;

        public CancellationToken RenewalToken => _renewal.Token;

        public bool IsShutdown => _shutdown.IsCancellationRequested && !IsStopped && !IsLost;

        public bool IsStopped => Volatile.Read(ref _stopped) != 0;

        public bool IsLost => Volatile.Read(ref _lost) != 0;

        public void Stop()
        {
            Volatile.Write(ref _stopped, 1);
            TryCancel(_cancel);
        }

        public void Lose()
        {
            Volatile.Write(ref _lost, 1);
            TryCancel(_cancel);
        }

        public void EndRenewal() => TryCancel(_renewal);

        public void Dispose()
        {
            _cancel.Dispose();
            _renewal.Dispose();
        }

        private static void TryCancel(CancellationTokenSource source)
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Ended already.
            }
        }
    }
}
