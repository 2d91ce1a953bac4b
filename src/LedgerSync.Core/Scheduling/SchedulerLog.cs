using LedgerSync.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Scheduling;

/// <summary>The scheduler's log messages (event IDs 1000–1099), shared by its parts so the IDs stay in one place.</summary>
internal static partial class SchedulerLog
{
    [LoggerMessage(EventId = LedgerSyncEventId.SchedulerStarted, Level = LogLevel.Information, Message = "Scheduler started with a pool of {PoolSize}")]
    public static partial void SchedulerStarted(ILogger logger, int poolSize);

    [LoggerMessage(EventId = LedgerSyncEventId.ReconciliationQueued, Level = LogLevel.Information, Message = "Reconciliation with {Party} queued as run {RunId}, due {DueAt:O}, repeating every {RepeatEvery}")]
    public static partial void Scheduled(ILogger logger, PartyName party, Guid runId, DateTimeOffset dueAt, TimeSpan? repeatEvery);

    [LoggerMessage(EventId = LedgerSyncEventId.RunStarted, Level = LogLevel.Information, Message = "Reconciliation run {RunId} with {Party} started")]
    public static partial void RunStarted(ILogger logger, PartyName party, Guid runId);

    [LoggerMessage(EventId = LedgerSyncEventId.RunRetrying, Level = LogLevel.Information, Message = "Reconciliation run {RunId} with {Party} retries (attempt {Attempt})")]
    public static partial void RunRetrying(ILogger logger, PartyName party, Guid runId, int attempt);

    [LoggerMessage(EventId = LedgerSyncEventId.RunEnded, Level = LogLevel.Information, Message = "{Role} reconciliation run {RunId} with {Party} ended {State} with {Differences} difference(s)")]
    public static partial void RunSucceeded(ILogger logger, PartyName party, Guid runId, string role, string state, int differences);

    [LoggerMessage(EventId = LedgerSyncEventId.RunFailed, Level = LogLevel.Warning, Message = "{Role} reconciliation run {RunId} with {Party} FAILED: {Error}")]
    public static partial void RunFailed(ILogger logger, PartyName party, Guid runId, string role, string error);

    [LoggerMessage(EventId = LedgerSyncEventId.RunTransientFailure, Level = LogLevel.Information, Message = "{Party} answered with a transient failure ({Cause}); run {RunId} retries (attempt {Attempt}) in {Delay}")]
    public static partial void TransientFailure(ILogger logger, PartyName party, Guid runId, string cause, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = LedgerSyncEventId.RunStopped, Level = LogLevel.Information, Message = "{Role} reconciliation run {RunId} with {Party} STOPPED ({What})")]
    public static partial void RunStopped(ILogger logger, PartyName party, Guid runId, string role, string what);

    [LoggerMessage(EventId = LedgerSyncEventId.IncomingRunAdmitted, Level = LogLevel.Information, Message = "Incoming reconciliation from {Party} admitted as run {RunId}")]
    public static partial void IncomingAdmitted(ILogger logger, PartyName party, Guid runId);

    [LoggerMessage(EventId = LedgerSyncEventId.IncomingRunRefusedPoolFull, Level = LogLevel.Information, Message = "Incoming reconciliation from {Party} refused: all {PoolSize} pool slots are in use")]
    public static partial void IncomingRefusedBusy(ILogger logger, PartyName party, int poolSize);

    [LoggerMessage(EventId = LedgerSyncEventId.InterruptedRunRestarted, Level = LogLevel.Warning, Message = "Run {InterruptedRunId} with {Party} was interrupted by a restart; recorded FAILED and started again as run {RunId}")]
    public static partial void InterruptedRunRequeued(ILogger logger, PartyName party, Guid interruptedRunId, Guid runId);

    [LoggerMessage(EventId = LedgerSyncEventId.InterruptedIncomingRunRecorded, Level = LogLevel.Warning, Message = "Incoming run {RunId} from {Party} was interrupted by a restart; recorded FAILED")]
    public static partial void InterruptedIncomingRecorded(ILogger logger, PartyName party, Guid runId);

    [LoggerMessage(EventId = LedgerSyncEventId.LeaseLost, Level = LogLevel.Warning, Message = "Run {RunId} with {Party} lost its lease (another instance took the job over, or it was stopped); its outcome is not recorded here")]
    public static partial void LeaseLost(ILogger logger, PartyName party, Guid runId);

    [LoggerMessage(EventId = LedgerSyncEventId.LeaseRenewalFailed, Level = LogLevel.Warning, Message = "Could not renew the lease of run {RunId} with {Party}; retrying")]
    public static partial void LeaseRenewalFailed(ILogger logger, PartyName party, Guid runId, Exception exception);

    [LoggerMessage(EventId = LedgerSyncEventId.RunOutcomeWriteFailed, Level = LogLevel.Error, Message = "Could not record the outcome of run {RunId} with {Party}; the run will be recorded as interrupted when its lease expires")]
    public static partial void StatusWriteFailed(ILogger logger, PartyName party, Guid runId, Exception exception);

    [LoggerMessage(EventId = LedgerSyncEventId.RunStartFailed, Level = LogLevel.Error, Message = "Could not start run {RunId} with {Party}; its job is queued again")]
    public static partial void RunStartFailed(ILogger logger, PartyName party, Guid runId, Exception exception);

    [LoggerMessage(EventId = LedgerSyncEventId.DispatcherFailed, Level = LogLevel.Error, Message = "The scheduler's dispatcher failed; it tries again")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LedgerSyncEventId.RunInterruptedByShutdown, Level = LogLevel.Information, Message = "Run {RunId} with {Party} interrupted by shutdown; its job is queued again")]
    public static partial void RunInterrupted(ILogger logger, PartyName party, Guid runId);

    [LoggerMessage(EventId = LedgerSyncEventId.JobReleaseFailed, Level = LogLevel.Warning, Message = "Could not give back the job of run {RunId} with {Party}; it is taken over when its lease expires")]
    public static partial void ReleaseFailed(ILogger logger, PartyName party, Guid runId, Exception exception);

    [LoggerMessage(EventId = LedgerSyncEventId.SchedulingRefusedLedgerGraphNotReady, Level = LogLevel.Warning, Message = "Reconciliation not scheduled: the ledger graph is not ready (initialized: {IsInitialized}, self-consistent: {IsSelfConsistent}, {ErrorCount} error(s) shown)")]
    public static partial void LedgerGraphNotReady(ILogger logger, bool isInitialized, bool isSelfConsistent, int errorCount);

    [LoggerMessage(EventId = LedgerSyncEventId.SchedulerDraining, Level = LogLevel.Information, Message = "Scheduler stopping: waiting for {Count} running run(s) to finish")]
    public static partial void SchedulerDraining(ILogger logger, int count);

    [LoggerMessage(EventId = LedgerSyncEventId.SchedulerShutdownTimedOut, Level = LogLevel.Warning, Message = "Scheduler shutdown timeout: interrupting {Count} run(s); their jobs are queued again")]
    public static partial void SchedulerInterrupting(ILogger logger, int count);

    [LoggerMessage(EventId = LedgerSyncEventId.SchedulerStopped, Level = LogLevel.Information, Message = "Scheduler stopped")]
    public static partial void SchedulerStopped(ILogger logger);

    [LoggerMessage(EventId = LedgerSyncEventId.WaitingForLedgerGraph, Level = LogLevel.Information, Message = "The ledger graph is still loading: queued jobs wait for it before any is claimed")]
    public static partial void WaitingForLedgerGraph(ILogger logger);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphLoadedDispatching, Level = LogLevel.Information, Message = "The ledger graph has loaded (self-consistent: {IsSelfConsistent}); dispatching queued jobs")]
    public static partial void LedgerGraphLoaded(ILogger logger, bool isSelfConsistent);

    [LoggerMessage(EventId = LedgerSyncEventId.ExpiredLeaseRequeued, Level = LogLevel.Warning, Message = "Job of run {RunId} with {Party} had an expired lease (its node stopped or crashed); queued again")]
    public static partial void ExpiredJobRequeued(ILogger logger, PartyName party, Guid runId);

    [LoggerMessage(EventId = LedgerSyncEventId.LeaseRecoveryFailed, Level = LogLevel.Error, Message = "The lease keeper failed to recover expired leases; it tries again")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception);
}
