using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// Claims due outgoing jobs while the execution pool has a free slot and runs each through the protocol's initiator,
/// handing every outcome to the <see cref="RunOutcomeRecorder"/> and every transient failure to the
/// <see cref="ReconciliationRetryPolicy"/>. Claims nothing while the ledger graph loads. Sleeps on a
/// <see cref="TimeProvider"/> timer set to the next known due time (woken early when a job is queued or a slot frees),
/// and looks at the store at least every <see cref="PollInterval"/> for jobs other instances queued.
/// </summary>
internal sealed class ReconciliationDispatcher : IAsyncDisposable
{
    private readonly ExecutionPool _pool;
    private readonly IReconciliationJobStore _jobStore;
    private readonly RunOutcomeRecorder _recorder;
    private readonly ReconciliationRetryPolicy _retryPolicy;
    private readonly IReconciliationInitiator _initiator;
    private readonly ILedgerGraph _ledgerGraph;
    private readonly LedgerSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BackgroundLoop _loop;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReconciliationDispatcher(
        ExecutionPool pool,
        IReconciliationJobStore jobStore,
        RunOutcomeRecorder recorder,
        ReconciliationRetryPolicy retryPolicy,
        IReconciliationInitiator initiator,
        ILedgerGraph ledgerGraph,
        IOptions<LedgerSyncOptions> options,
        TimeProvider time,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pool = pool;
        _jobStore = jobStore;
        _recorder = recorder;
        _retryPolicy = retryPolicy;
        _initiator = initiator;
        _ledgerGraph = ledgerGraph;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _loop = new BackgroundLoop(RunAsync);
        _pool.SlotFreed += Wake;
    }

    /// <summary>How often the store is looked at when no known due time is sooner (jobs queued by other instances).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public bool IsRunning => _loop.IsRunning;

    public void Start() => _loop.Start();

    /// <summary>Stops claiming; running runs go on.</summary>
    public Task StopAsync() => _loop.StopAsync();

    /// <summary>Signals without waiting (for a synchronous dispose): the loop ends on its own.</summary>
    public void SignalStop() => _loop.SignalStop();

    /// <summary>Makes the loop look at the store now (a job was queued, a slot was freed, a lease was recovered).</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        _pool.SlotFreed -= Wake;
        await StopAsync().ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await WaitForLedgerGraphAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        while (!stopping.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake);
            if (wake.Task.IsCompleted)
            {
                Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), wake);
                wake = Volatile.Read(ref _wake);
            }

            var wait = PollInterval;
            try
            {
                await ClaimWhileSlotsFreeAsync(stopping).ConfigureAwait(false);
                if (_pool.HasFreeSlot && await _jobStore.GetNextDueAsync(stopping).ConfigureAwait(false) is { } nextDue)
                {
                    var untilDue = nextDue - _time.GetUtcNow();

                    // A due time already past means a job became due (or was queued) after the claim: look again at
                    // once; a sub-millisecond store rounding is covered by waiting one millisecond.
                    wait = untilDue <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : untilDue < wait ? untilDue : wait;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                SchedulerLog.DispatchFailed(_logger, e);
            }

            try
            {
                await WaitAsync(wake.Task, wait, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task WaitForLedgerGraphAsync(CancellationToken stopping)
    {
        if (_ledgerGraph.IsInitialized)
        {
            return;
        }

        SchedulerLog.WaitingForLedgerGraph(_logger);
        await _ledgerGraph.WhenInitializedAsync(stopping).ConfigureAwait(false);
        SchedulerLog.LedgerGraphLoaded(_logger, _ledgerGraph.IsSelfConsistent);
    }

    private async Task ClaimWhileSlotsFreeAsync(CancellationToken stopping)
    {
        while (_pool.TryReserve())
        {
            IReconciliationJobClaim? claim;
            try
            {
                var now = _time.GetUtcNow();
                claim = await _jobStore.TryClaimNextAsync(now, now + _options.RunLeaseDuration, stopping).ConfigureAwait(false);
            }
            catch
            {
                _pool.Return(notify: false);
                throw;
            }

            if (claim is null)
            {
                // Nothing to start: the dispatcher itself took this slot, so returning it must not wake the
                // dispatcher again (an idle scheduler would spin).
                _pool.Return(notify: false);
                return;
            }

            var job = claim.Job;
            var tracker = _recorder.TrackerFor(job.RunId, job.Party, ReconciliationRole.Requester);
            var run = new ActiveRun(claim, tracker, _time.GetUtcNow(), _pool.Shutdown);
            _pool.Add(run);
            run.Execution = Task.Run(() => ExecuteAsync(run), CancellationToken.None);
        }
    }

    private async Task ExecuteAsync(ActiveRun run)
    {
        // The run's span is current while it executes: the transport's spans nest under it, logs carry its IDs.
        using var activity = run.Tracker.StartActivity(ActivityKind.Internal);
        using var scope = _logger.BeginFlowScope(FlowNames.ReconcileWithParty, run.RunId, run.Party);
        try
        {
            if (!await _recorder.StartOutgoingAsync(run, run.Token).ConfigureAwait(false))
            {
                return;
            }

            if (!_ledgerGraph.IsSelfConsistent)
            {
                var notReady = ReconciliationRequestValidator.LedgerGraphNotReady(_ledgerGraph, _logger);
                await _recorder.FinishAsync(run, ReconciliationState.Failed, null, notReady.Message, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            var result = await _initiator.ReconcileAsync(new ReconciliationRequest(run.Party, run.RunId, run.Tracker), run.Token).ConfigureAwait(false);
            await _recorder.FinishAsync(run, result.State, result.Missing, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LedgerSyncException transient) when (transient.IsTransient && !run.Token.IsCancellationRequested)
        {
            var decision = _retryPolicy.Decide(run.Job, run.StartedAt, _time.GetUtcNow(), transient);
            if (decision.Retry)
            {
                await _recorder.RetryLaterAsync(run, decision, transient).ConfigureAwait(false);
            }
            else
            {
                await _recorder.FinishAsync(run, ReconciliationState.Failed, null, decision.Reason, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            if (run.StoppedByOperator)
            {
                // The stop flow recorded STOPPED.
            }
            else if (run.LeaseLost)
            {
                await _recorder.LeaseLostAsync(run).ConfigureAwait(false);
            }
            else
            {
                await _recorder.ReleaseAsync(run).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            await _recorder.FinishAsync(run, ReconciliationState.Failed, null, Describe(e), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _pool.Remove(run);
            run.Dispose();
        }
    }

    private async Task WaitAsync(Task wake, TimeSpan wait, CancellationToken stopping)
    {
        if (wake.IsCompleted)
        {
            return;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var delay = Task.Delay(wait, _time, timer.Token);
        await Task.WhenAny(wake, delay).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        stopping.ThrowIfCancellationRequested();
    }

    private static string Describe(Exception e) => e is LedgerSyncException ? e.Message : $"{e.GetType().Name}: {e.Message}";
}
