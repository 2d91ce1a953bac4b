using System.Globalization;
using LedgerSync.Diagnostics;
using LedgerSync.Status;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// Owns every transition at the start and end of a run: the status row (<see cref="IStatusStore"/>), the job (through
/// its claim) and the run's tracker, in that order, under one gate so an operator's stop and a run's own end never
/// both record. It is the only part of the scheduler that writes to the status store.
/// </summary>
internal sealed class RunOutcomeRecorder : IDisposable
{
    /// <summary>The error recorded for a run cut off by a crash or a stop of its node.</summary>
    public const string InterruptedByRestart = ReconciliationStatusRules.InterruptedByRestart;

    private readonly ReconciliationStatusRecorder _statusStore;
    private readonly IReconciliationJobStore _jobStore;
    private readonly ExecutionPool _pool;
    private readonly ReconciliationRunRegistry _registry;
    private readonly LedgerSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _trackerLock = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public RunOutcomeRecorder(
        IStatusStore statusStore,
        IReconciliationJobStore jobStore,
        ExecutionPool pool,
        ReconciliationRunRegistry registry,
        IOptions<LedgerSyncOptions> options,
        TimeProvider time,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _statusStore = new ReconciliationStatusRecorder(statusStore);
        _jobStore = jobStore;
        _pool = pool;
        _registry = registry;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The tracker of <paramref name="runId"/>, created when it has none yet.</summary>
    public RunTracker TrackerFor(Guid runId, PartyName party, ReconciliationRole role)
    {
        lock (_trackerLock)
        {
            return _registry.TryGet(runId, out var existing) ? existing! : _registry.Start(runId, FlowNames.ReconcileWithParty, party, role);
        }
    }

    /// <summary>
    /// Records the start of a claimed outgoing run: first the run it replaces as <c>FAILED</c> (interrupted by restart)
    /// when there is one, then <c>IN_PROGRESS</c> (first attempt only). <see langword="false"/> when the run must not go
    /// on (the claim was lost, or the start could not be recorded and the job was queued again).
    /// </summary>
    public async Task<bool> StartOutgoingAsync(ActiveRun run, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var job = run.Job;
            if (!await run.Claim.RenewAsync(now + _options.RunLeaseDuration, cancellationToken).ConfigureAwait(false))
            {
                MarkLeaseLost(run);
                return false;
            }

            try
            {
                if (job.InterruptedRunId is { } interrupted && interrupted != job.RunId)
                {
                    if (_registry.TryGet(interrupted, out var old))
                    {
                        old!.End(ReconciliationState.Failed, 0, InterruptedByRestart);
                    }

                    // Recorded whatever the row shows now: the job store says this run was cut off, and its record must come
                    // before the new run's start (a row that already moved on only gains a history entry for it).
                    await _statusStore.RecordFinishedAsync(new(job.Party, true, interrupted, ReconciliationState.Failed, now, null, InterruptedByRestart), cancellationToken).ConfigureAwait(false);
                    SchedulerLog.InterruptedRunRequeued(_logger, job.Party, interrupted, job.RunId);
                }

                if (job.Attempt == 0)
                {
                    await _statusStore.RecordStartedAsync(job.Party, true, job.RunId, now, cancellationToken).ConfigureAwait(false);
                    run.Tracker.Stage("started");
                    SchedulerLog.RunStarted(_logger, job.Party, job.RunId);
                }
                else
                {
                    run.Tracker.Stage(string.Create(CultureInfo.InvariantCulture, $"retry {job.Attempt} started"));
                    SchedulerLog.RunRetrying(_logger, job.Party, job.RunId, job.Attempt);
                }

                run.Tracker.WaitingOn(RunWaitReason.None);
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The run could not be recorded as started: give the job back so it is tried again.
                SchedulerLog.RunStartFailed(_logger, job.Party, job.RunId, e);
                run.TryMarkEnded();
                await run.Claim.RetryLaterAsync(now + _options.RetryInitialDelay, job.FirstAttemptAt ?? now, CancellationToken.None).ConfigureAwait(false);
                return false;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records that an admitted incoming run started (<c>IN_PROGRESS</c>).</summary>
    public async Task StartIncomingAsync(ActiveRun run, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _statusStore.RecordStartedAsync(run.Party, false, run.RunId, run.StartedAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Records how a run ended: the status row, then the job (deleted, or queued again for its next occurrence when it
    /// recurs), then the tracker. Nothing is recorded when the run has already ended (stopped) or lost its claim.
    /// </summary>
    public async Task FinishAsync(ActiveRun run, ReconciliationState state, IReadOnlyList<TransactionId>? missing, string? error, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!run.TryMarkEnded())
            {
                return;
            }

            var now = _time.GetUtcNow();
            var job = run.Job;
            if (!await run.Claim.RenewAsync(now + _options.RunLeaseDuration, cancellationToken).ConfigureAwait(false))
            {
                MarkLeaseLost(run);
                return;
            }

            try
            {
                await _statusStore.RecordFinishedAsync(new(run.Party, run.IsRequester, run.RunId, state, now, missing, error), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The outcome could not be stored: keep the job claimed so that, once its lease expires, the run is
                // recorded as interrupted and (outgoing) queued again rather than silently lost.
                SchedulerLog.StatusWriteFailed(_logger, run.Party, run.RunId, e);
                run.Tracker.End(ReconciliationState.Failed, 0, "the outcome could not be stored: " + e.Message);
                return;
            }

            if (run.IsRequester && job.RepeatEvery is { } every)
            {
                var nextDue = NextOccurrence(job.DueAt, every, now);
                var nextRunId = Guid.NewGuid();
                var next = TrackerFor(nextRunId, run.Party, ReconciliationRole.Requester);
                next.Stage(string.Create(CultureInfo.InvariantCulture, $"scheduled for {nextDue:O} (every {every})"));
                next.WaitingOn(RunWaitReason.ScheduledTime);
                if (!await run.Claim.RescheduleAsync(nextDue, nextRunId, CancellationToken.None).ConfigureAwait(false))
                {
                    next.End(ReconciliationState.Stopped);
                }
            }
            else
            {
                await run.Claim.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            }

            run.Tracker.End(state, missing?.Count ?? 0, error);
            if (state == ReconciliationState.Failed)
            {
                SchedulerLog.RunFailed(_logger, run.Party, run.RunId, run.Role, error ?? string.Empty);
            }
            else
            {
                var stateName = state.ToName();
                SchedulerLog.RunSucceeded(_logger, run.Party, run.RunId, run.Role, stateName, missing?.Count ?? 0);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Queues the run's job again after a transient failure, as the retry policy decided; the status stays <c>IN_PROGRESS</c>.</summary>
    public async Task RetryLaterAsync(ActiveRun run, RetryDecision decision, LedgerSyncException cause)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!run.TryMarkEnded())
            {
                return;
            }

            var dueAt = _time.GetUtcNow() + decision.Delay;
            if (!await run.Claim.RetryLaterAsync(dueAt, decision.FirstAttemptAt, CancellationToken.None).ConfigureAwait(false))
            {
                MarkLeaseLost(run);
                return;
            }

            var attempt = run.Job.Attempt + 1;
            run.Tracker.WaitingOn(RunWaitReason.RetryBackoff);
            run.Tracker.Stage(string.Create(
                CultureInfo.InvariantCulture,
                $"{(cause is MaxIncomingSessionsExceededException ? "peer busy" : "peer unreachable")}; retry {attempt} at {dueAt:O}"));
            var causeName = cause.GetType().Name;
            SchedulerLog.TransientFailure(_logger, run.Party, run.RunId, causeName, attempt, decision.Delay);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Gives the run's job back because the node is shutting down; the next claimer records the run as interrupted.</summary>
    public async Task ReleaseAsync(ActiveRun run)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!run.TryMarkEnded())
            {
                return;
            }

            try
            {
                if (run.IsRequester)
                {
                    await run.Claim.ReleaseAsync(_time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                // The lease will expire and another claimer takes the job over.
                SchedulerLog.ReleaseFailed(_logger, run.Party, run.RunId, e);
            }

            run.Tracker.End(ReconciliationState.Failed, 0, "interrupted by node shutdown; queued again");
            SchedulerLog.RunInterrupted(_logger, run.Party, run.RunId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends a run whose claim was lost: nothing is recorded here (the new holder records).</summary>
    public async Task LeaseLostAsync(ActiveRun run)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (run.TryMarkEnded())
            {
                MarkLeaseLost(run);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops all work with <paramref name="party"/> in both roles: running runs are cancelled and their slots freed at
    /// once, queued jobs deleted, each recorded <c>STOPPED</c>; a status row left <c>IN_PROGRESS</c> with nothing behind
    /// it is set to <c>STOPPED</c> too. Returns whether anything was stopped.
    /// </summary>
    public async Task<bool> StopAsync(PartyName party, CancellationToken cancellationToken)
    {
        var stopped = false;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var recorded = new HashSet<Guid>();
            var now = _time.GetUtcNow();
            foreach (var run in _pool.Runs.Where(r => r.Party == party).ToList())
            {
                if (!run.TryMarkEnded())
                {
                    continue;
                }

                run.Stop();
                _pool.Remove(run);
                await _statusStore.RecordFinishedAsync(new(party, run.IsRequester, run.RunId, ReconciliationState.Stopped, now), CancellationToken.None).ConfigureAwait(false);
                run.Tracker.End(ReconciliationState.Stopped);
                recorded.Add(run.RunId);
                stopped = true;
                SchedulerLog.RunStopped(_logger, party, run.RunId, run.Role, "running");
            }

            foreach (var job in await _jobStore.RemoveForPartyAsync(party, CancellationToken.None).ConfigureAwait(false))
            {
                if (!recorded.Add(job.RunId))
                {
                    continue;
                }

                await _statusStore.RecordFinishedAsync(new(party, job.IsRequester, job.RunId, ReconciliationState.Stopped, now), CancellationToken.None).ConfigureAwait(false);
                if (_registry.TryGet(job.RunId, out var tracker))
                {
                    tracker!.End(ReconciliationState.Stopped);
                }

                stopped = true;
                SchedulerLog.RunStopped(_logger, party, job.RunId, job.IsRequester ? "outgoing" : "incoming", job.State == ReconciliationJobState.Running ? "running on " + job.Owner : "queued");
            }

            foreach (var isRequester in (bool[])[true, false])
            {
                if (await _statusStore.RecordStaleRunStoppedAsync(party, isRequester, now, recorded, CancellationToken.None).ConfigureAwait(false) is { } staleRun)
                {
                    stopped = true;
                    SchedulerLog.RunStopped(_logger, party, staleRun, isRequester ? "outgoing" : "incoming", "stale IN_PROGRESS row");
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        return stopped;
    }

    /// <summary>Records an incoming run whose lease expired (its node crashed) as <c>FAILED</c>, if its row still shows it running.</summary>
    public async Task RecordExpiredIncomingAsync(ReconciliationJob lease, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _statusStore.RecordInterruptedAsync(lease.Party, false, lease.RunId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

            SchedulerLog.InterruptedIncomingRecorded(_logger, lease.Party, lease.RunId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The refresh flow's write: drops from stored results the IDs now present in the ledger.</summary>
    public Task<int> RemovePresentFromResultsAsync(Func<TransactionId, bool> isPresent, CancellationToken cancellationToken) =>
        _statusStore.RefreshAsync(isPresent, cancellationToken: cancellationToken);

    public void Dispose() => _gate.Dispose();

    private void MarkLeaseLost(ActiveRun run)
    {
        run.LoseLease();
        run.Tracker.End(ReconciliationState.Failed, 0, "lease lost: another scheduler instance took the job over or it was stopped");
        SchedulerLog.LeaseLost(_logger, run.Party, run.RunId);
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
}
