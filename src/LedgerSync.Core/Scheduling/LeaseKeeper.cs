using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// Keeps the claims of this node's runs alive and takes over the claims other nodes let expire (the counterpart of
/// Hangfire's <c>ServerWatchdog</c>). Every third of <see cref="LedgerSyncOptions.RunLeaseDuration"/> it renews the
/// lease of every run in the pool (a run whose claim is gone is cancelled: another instance took it over, or it was
/// stopped), then recovers expired leases: outgoing jobs go back to the queue (their cut-off run is recorded
/// <c>FAILED</c> by the next claimer), incoming leases are recorded <c>FAILED</c> and deleted.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly ExecutionPool _pool;
    private readonly IReconciliationJobStore _jobStore;
    private readonly RunOutcomeRecorder _recorder;
    private readonly LedgerSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BackgroundLoop _loop;

    public LeaseKeeper(ExecutionPool pool, IReconciliationJobStore jobStore, RunOutcomeRecorder recorder, IOptions<LedgerSyncOptions> options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pool = pool;
        _jobStore = jobStore;
        _recorder = recorder;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _loop = new BackgroundLoop(RunAsync);
    }

    /// <summary>Called after expired outgoing jobs were queued again (the dispatcher wakes on it).</summary>
    internal event Action? JobsRecovered;

    public TimeSpan Interval => _options.RunLeaseDuration / 3;

    public void Start() => _loop.Start();

    public Task StopAsync() => _loop.StopAsync();

    public void SignalStop() => _loop.SignalStop();

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>One pass: renew, then recover. Internal for tests.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await RenewAllAsync(cancellationToken).ConfigureAwait(false);
        await RecoverExpiredAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stopping).ConfigureAwait(false);
                await Task.Delay(Interval, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                SchedulerLog.RecoveryFailed(_logger, e);
                try
                {
                    await Task.Delay(Interval, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RenewAllAsync(CancellationToken cancellationToken)
    {
        foreach (var run in _pool.Runs.ToList())
        {
            if (run.HasEnded)
            {
                continue;
            }

            bool held;
            try
            {
                held = await run.Claim.RenewAsync(_time.GetUtcNow() + _options.RunLeaseDuration, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                SchedulerLog.LeaseRenewalFailed(_logger, run.Party, run.RunId, e);
                continue;
            }

            if (!held && !run.HasEnded)
            {
                SchedulerLog.LeaseLost(_logger, run.Party, run.RunId);
                run.LoseLease();
            }
        }
    }

    private async Task RecoverExpiredAsync(CancellationToken cancellationToken)
    {
        var recovered = await _jobStore.RecoverExpiredAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var requeued = false;
        foreach (var job in recovered)
        {
            if (job.IsRequester)
            {
                SchedulerLog.ExpiredJobRequeued(_logger, job.Party, job.RunId);
                requeued = true;
            }
            else
            {
                await _recorder.RecordExpiredIncomingAsync(job, cancellationToken).ConfigureAwait(false);
            }
        }

        if (requeued)
        {
            JobsRecovered?.Invoke();
        }
    }
}
