using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// The responder's admission: an incoming request takes a slot of the shared <see cref="ExecutionPool"/> or is refused
/// at once ("too busy"). An admitted run holds a lease row in the job store (so a crash is noticed and recorded by
/// whichever instance sees it expire) and is recorded <c>IN_PROGRESS</c>. Depends on the pool, never on the dispatcher
/// or the initiator, so the transport → responder → admission chain has no cycle.
/// </summary>
internal sealed class PoolAdmission : IIncomingReconciliationAdmission
{
    private readonly ExecutionPool _pool;
    private readonly IReconciliationJobStore _jobStore;
    private readonly RunOutcomeRecorder _recorder;
    private readonly LedgerSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PoolAdmission(ExecutionPool pool, IReconciliationJobStore jobStore, RunOutcomeRecorder recorder, IOptions<LedgerSyncOptions> options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pool = pool;
        _jobStore = jobStore;
        _recorder = recorder;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public async ValueTask<IIncomingReconciliation?> TryAdmitAsync(PartyName requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!_pool.TryReserve())
        {
            SchedulerLog.IncomingRefusedBusy(_logger, requester, _pool.Capacity);
            return null;
        }

        RunTracker? tracker = null;
        IReconciliationJobClaim? claim = null;
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
            };
            tracker = _recorder.TrackerFor(runId, requester, ReconciliationRole.Responder);
            claim = await _jobStore.AddClaimedAsync(lease, now + _options.RunLeaseDuration, cancellationToken).ConfigureAwait(false);
            var run = new ActiveRun(claim, tracker, now, _pool.Shutdown);
            await _recorder.StartIncomingAsync(run, cancellationToken).ConfigureAwait(false);
            _pool.Add(run);
            SchedulerLog.IncomingAdmitted(_logger, requester, runId);
            return new IncomingReconciliation(this, run);
        }
        catch
        {
            _pool.Return();
            tracker?.End(ReconciliationState.Failed, 0, "the incoming run could not be admitted");
            if (claim is not null)
            {
                await DeleteLeaseAsync(claim).ConfigureAwait(false);
            }

            throw;
        }
    }

    internal async Task CompleteAsync(ActiveRun run, ReconciliationState state, string? errorMessage, CancellationToken cancellationToken)
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
            await _recorder.FinishAsync(run, state, null, errorMessage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pool.Remove(run);
            run.Dispose();
        }
    }

    private async Task DeleteLeaseAsync(IReconciliationJobClaim claim)
    {
        try
        {
            await claim.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The lease expires by itself and is recorded then.
            SchedulerLog.ReleaseFailed(_logger, claim.Job.Party, claim.Job.RunId, e);
        }
    }
}
