namespace LedgerSync.Diagnostics;

/// <summary>
/// The event IDs of the core package's log messages, one named constant per event, so a log pipeline can filter on a
/// name rather than a number. IDs fall in one range per area: 1xxx scheduling and flows, 2xxx protocol, 3xxx
/// transports (3900–3999 the in-memory network; the HTTP transport has <c>LedgerSyncHttpEventId</c>), 4xxx storage
/// (<c>LedgerSyncDapperEventId</c>), 5xxx ledger graph, 6xxx diagnostics, 7xxx recovery, 8xxx the dashboard
/// (<c>LedgerSyncDashboardEventId</c>). An ID, once released, keeps its meaning.
/// </summary>
public static class LedgerSyncEventId
{
    // Scheduling (1000–1099)

    /// <summary>Information: <c>Scheduler started with a pool of {PoolSize}</c></summary>
    public const int SchedulerStarted = 1000;

    /// <summary>Information: <c>Reconciliation with {Party} queued as run {RunId}, due {DueAt:O}, repeating every {RepeatEvery}</c></summary>
    public const int ReconciliationQueued = 1001;

    /// <summary>Information: <c>Reconciliation run {RunId} with {Party} started</c></summary>
    public const int RunStarted = 1002;

    /// <summary>Information: <c>Reconciliation run {RunId} with {Party} retries (attempt {Attempt})</c></summary>
    public const int RunRetrying = 1003;

    /// <summary>Information: <c>{Role} reconciliation run {RunId} with {Party} ended {State} with {Differences} difference(s)</c></summary>
    public const int RunEnded = 1004;

    /// <summary>Warning: <c>{Role} reconciliation run {RunId} with {Party} FAILED: {Error}</c></summary>
    public const int RunFailed = 1005;

    /// <summary>Information: <c>{Party} answered with a transient failure ({Cause}); run {RunId} retries (attempt {Attempt}) in {Delay}</c></summary>
    public const int RunTransientFailure = 1006;

    /// <summary>Information: <c>{Role} reconciliation run {RunId} with {Party} STOPPED ({What})</c></summary>
    public const int RunStopped = 1007;

    /// <summary>Information: <c>Incoming reconciliation from {Party} admitted as run {RunId}</c></summary>
    public const int IncomingRunAdmitted = 1008;

    /// <summary>Information: <c>Incoming reconciliation from {Party} refused: all {PoolSize} pool slots are in use</c></summary>
    public const int IncomingRunRefusedPoolFull = 1009;

    /// <summary>Warning: <c>Run {InterruptedRunId} with {Party} was interrupted by a restart; recorded FAILED and started again as run {RunId}</c></summary>
    public const int InterruptedRunRestarted = 1010;

    /// <summary>Warning: <c>Incoming run {RunId} from {Party} was interrupted by a restart; recorded FAILED</c></summary>
    public const int InterruptedIncomingRunRecorded = 1011;

    /// <summary>Warning: <c>Run {RunId} with {Party} lost its lease (another instance took the job over, or it was stopped); its outcome is not recorded here</c></summary>
    public const int LeaseLost = 1012;

    /// <summary>Warning: <c>Could not renew the lease of run {RunId} with {Party}; retrying</c></summary>
    public const int LeaseRenewalFailed = 1013;

    /// <summary>Error: <c>Could not record the outcome of run {RunId} with {Party}; the run will be recorded as interrupted when its lease expires</c></summary>
    public const int RunOutcomeWriteFailed = 1014;

    /// <summary>Error: <c>Could not start run {RunId} with {Party}; its job is queued again</c></summary>
    public const int RunStartFailed = 1015;

    /// <summary>Error: <c>The scheduler's dispatcher failed; it tries again</c></summary>
    public const int DispatcherFailed = 1016;

    /// <summary>Information: <c>Run {RunId} with {Party} interrupted by shutdown; its job is queued again</c></summary>
    public const int RunInterruptedByShutdown = 1017;

    /// <summary>Warning: <c>Could not give back the job of run {RunId} with {Party}; it is taken over when its lease expires</c></summary>
    public const int JobReleaseFailed = 1018;

    /// <summary>Warning: <c>Reconciliation not scheduled: the ledger graph is not ready (initialized: {IsInitialized}, self-consistent: {IsSelfConsistent}, {ErrorCount} error(s) shown)</c></summary>
    public const int SchedulingRefusedLedgerGraphNotReady = 1019;

    /// <summary>Information: <c>Scheduler stopping: waiting for {Count} running run(s) to finish</c></summary>
    public const int SchedulerDraining = 1020;

    /// <summary>Warning: <c>Scheduler shutdown timeout: interrupting {Count} run(s); their jobs are queued again</c></summary>
    public const int SchedulerShutdownTimedOut = 1021;

    /// <summary>Information: <c>Scheduler stopped</c></summary>
    public const int SchedulerStopped = 1022;

    /// <summary>Information: <c>The ledger graph is still loading: queued jobs wait for it before any is claimed</c></summary>
    public const int WaitingForLedgerGraph = 1023;

    /// <summary>Information: <c>The ledger graph has loaded (self-consistent: {IsSelfConsistent}); dispatching queued jobs</c></summary>
    public const int LedgerGraphLoadedDispatching = 1024;

    /// <summary>Warning: <c>Job of run {RunId} with {Party} had an expired lease (its node stopped or crashed); queued again</c></summary>
    public const int ExpiredLeaseRequeued = 1025;

    /// <summary>Error: <c>The lease keeper failed to recover expired leases; it tries again</c></summary>
    public const int LeaseRecoveryFailed = 1026;

    // Flows (1100–1999)

    /// <summary>Information: <c>Refreshed reconciliation statuses: {Removed} transaction ID(s) are now present in the ledger and were dropped from stored results</c></summary>
    public const int StatusesRefreshed = 1100;

    // Protocol: the requester (2000–2099)

    /// <summary>Information: <c>Reconciliation {RunId} with {Party} finished: {Missing} transaction(s) missing here, {LocalOnly} only here, {Exchanges} exchange(s), {BytesSent} bytes sent, {BytesReceived} bytes received</c></summary>
    public const int RequesterRunFinished = 2000;

    /// <summary>Warning: <c>Reconciliation {RunId} with {Party} failed: {Error}</c></summary>
    public const int RequesterRunFailed = 2001;

    // Protocol: the responder (2100–2999)

    /// <summary>Information: <c>Answering a reconciliation request from {Party}: {RequesterCount} relevant transactions there, {ResponderCount} here</c></summary>
    public const int ResponderAnswering = 2100;

    /// <summary>Information: <c>Answered {Party}: {Symbols} coded symbols in {Exchanges} exchange(s), {BytesSent} bytes sent, {BusyMilliseconds:F1} ms of work</c></summary>
    public const int ResponderAnswered = 2101;

    /// <summary>Information: <c>Refused a reconciliation request from {Party} ({Reason}): {Detail}</c></summary>
    public const int ResponderRefused = 2102;

    // 2103 is retired: a hello that claimed another identity (protocol version 2; version 3 sends no identity).

    /// <summary>Warning: <c>A reconciliation request from {Party} failed: {Error}</c></summary>
    public const int ResponderRequestFailed = 2104;

    // The in-memory network (tests and samples) (3900–3999)

    /// <summary>Debug: <c>In-memory session {SessionId} opened by {Opener} to {Acceptor}</c></summary>
    public const int InMemorySessionOpened = 3900;

    /// <summary>Debug: <c>In-memory session {SessionId}: {Party} closed its end</c></summary>
    public const int InMemorySessionEndClosed = 3901;

    /// <summary>Information: <c>In-memory session {SessionId} between {Opener} and {Acceptor} was killed</c></summary>
    public const int InMemorySessionKilled = 3902;

    /// <summary>Debug: <c>In-memory session {SessionId}: message {Sequence} from {From} to {To} was {How} by the interceptor</c></summary>
    public const int InMemoryMessageIntercepted = 3903;

    /// <summary>Error: <c>In-memory session {SessionId}: the inbound handler of {Party} failed</c></summary>
    public const int InMemoryInboundHandlerFailed = 3904;

    // Ledger graph (5000–5999)

    /// <summary>Information: <c>Ledger graph initialization started: {Total} transactions announced (-1: unknown), pages of {PageSize}, {PoolSize} workers</c></summary>
    public const int LedgerGraphLoadStarted = 5000;

    /// <summary>Information: <c>Ledger graph initialization: {Loaded} of {Total} transactions read ({Percent:F1}%), {Rate:F0} per second</c></summary>
    public const int LedgerGraphLoadProgressWithPercent = 5001;

    /// <summary>Information: <c>Ledger graph initialization: {Loaded} transactions read, {Rate:F0} per second</c></summary>
    public const int LedgerGraphLoadProgress = 5002;

    /// <summary>Information: <c>Ledger graph initialized: {Loaded} records read, {Count} transactions held, in {ElapsedMs} ms ({Rate:F0} per second); self-consistent: {IsSelfConsistent}</c></summary>
    public const int LedgerGraphLoadCompleted = 5003;

    /// <summary>Warning: <c>The ledger graph is not self-consistent: {ErrorCount} error(s) listed, first: {FirstErrors}. Restore the node to a consistent state before reconciling</c></summary>
    public const int LedgerGraphNotSelfConsistent = 5004;

    /// <summary>Warning: <c>Transaction {Key} could not be read: {Problem}</c></summary>
    public const int LedgerGraphInvalidData = 5005;

    /// <summary>Warning: <c>Transaction {TransactionId} was recorded twice with different metadata</c></summary>
    public const int LedgerGraphDuplicateTransaction = 5006;

    /// <summary>Error: <c>Ledger graph initialization failed; the graph stays uninitialized</c></summary>
    public const int LedgerGraphLoadFailed = 5007;

    /// <summary>Information: <c>Ledger graph initialization was canceled</c></summary>
    public const int LedgerGraphLoadCanceled = 5008;

    /// <summary>Error: <c>A relevant-set observer for {Counterparty} threw; observers must not throw</c></summary>
    public const int LedgerGraphObserverFailed = 5009;

    /// <summary>Critical: <c>The ledger graph could not be initialized from the transaction source; reconciliation stays unavailable until the node restarts with a working source</c></summary>
    public const int LedgerGraphInitializationFailed = 5100;

    // Diagnostics (6000–6999)

    /// <summary>Warning: <c>Reconciliation {RunId} has been waiting {Seconds} seconds for messages from {Party} (this node is the {Role})</c></summary>
    public const int RunWaitingForPeer = 6000;

    /// <summary>Warning: <c>Reconciliation {RunId} has been connecting to {Party} for {Seconds} seconds (this node is the {Role})</c></summary>
    public const int RunConnecting = 6001;

    /// <summary>Warning: <c>Reconciliation {RunId} has made no progress with {Party} for {Seconds} seconds although the session is alive (this node is the {Role})</c></summary>
    public const int RunNoProgress = 6002;

    /// <summary>Warning: <c>Could not read reconciliation statuses for the LedgerSync metrics; the outcome gauges keep their last values</c></summary>
    public const int MetricsStatusReadFailed = 6010;

    /// <summary>Information: <c>LedgerSync health changed from {PreviousStatus} to {Status}: {Description}</c></summary>
    public const int HealthChanged = 6020;

    /// <summary>Information: <c>Wrote the in-flight dump {Path} with {RunCount} reconciliations</c></summary>
    public const int InFlightDumpWritten = 6030;

    /// <summary>Warning: <c>The LedgerSync telemetry listener {Listener} failed on {Event} of run {RunId}; the run goes on</c></summary>
    public const int TelemetryListenerFailed = 6040;

    /// <summary>Error: <c>Could not create the LedgerSync telemetry listeners; runs report to their spans only</c></summary>
    public const int TelemetryListenersUnavailable = 6041;

    // Recovery (7000–7999): the worker and flows 7000–7099, the responder 7100–7199, a run 7200–7299, manual export and import 7500–7599

    /// <summary>Information: <c>Queued recovery {RecoveryId} of {Count} transaction(s) from {Party}</c></summary>
    public const int RecoveryQueued = 7000;

    /// <summary>Information: <c>Stopped recovery {RecoveryId} from {Party}</c></summary>
    public const int RecoveryStopped = 7001;

    /// <summary>Information: <c>Recovery {RecoveryId} from {Party} started ({Pending} pending, claim {Claim})</c></summary>
    public const int RecoveryStarted = 7010;

    /// <summary>Information: <c>Recovery {RecoveryId} from {Party} finished: {Recovered} recovered, {Rejected} rejected, {Refused} refused, {Bytes} bytes</c></summary>
    public const int RecoveryFinished = 7011;

    /// <summary>Error: <c>Recovery {RecoveryId} from {Party} failed: {Error}</c></summary>
    public const int RecoveryFailed = 7012;

    /// <summary>Information: <c>Recovery {RecoveryId} from {Party} was given back at shutdown; it resumes at the next start</c></summary>
    public const int RecoveryReleasedAtShutdown = 7013;

    /// <summary>Warning: <c>Recovery {RecoveryId} from {Party} ended without a result from this worker: {Reason}</c></summary>
    public const int RecoveryClaimLost = 7014;

    /// <summary>Error: <c>Recovery {RecoveryId} from {Party} failed unexpectedly</c></summary>
    public const int RecoveryFailedUnexpectedly = 7015;

    /// <summary>Information: <c>After recovery {RecoveryId}, the reconciliation statuses were refreshed ({Dropped} ID(s) now present dropped)</c></summary>
    public const int RecoveryStatusesRefreshed = 7016;

    /// <summary>Warning: <c>After recovery {RecoveryId}, the reconciliation statuses could not be refreshed</c></summary>
    public const int RecoveryStatusRefreshFailed = 7017;

    /// <summary>Error: <c>The recovery worker could not claim work from the recovery store</c></summary>
    public const int RecoveryClaimFailed = 7018;

    /// <summary>Information: <c>Queued recovery {RecoveryId} of {Count} transaction(s) from {Party} after a reconciliation found differences (autoRecoverTransactions)</c></summary>
    public const int RecoveryQueuedAutomatically = 7019;

    /// <summary>Information: <c>Did not queue an automatic recovery from {Party}: {Reason}</c></summary>
    public const int AutomaticRecoverySkipped = 7020;

    /// <summary>Information: <c>Serving a recovery session to {Party}</c></summary>
    public const int RecoverySessionAdmitted = 7100;

    /// <summary>Warning: <c>Refused a recovery session from {Party} ({Reason}): {Detail}</c></summary>
    public const int RecoverySessionRefused = 7101;

    /// <summary>Warning: <c>Refused transaction {TransactionId} to {Party}: it is not in that party's relevant set</c></summary>
    public const int RecoveryRefusedOutsideRelevantSet = 7103;

    /// <summary>Warning: <c>Refused transaction {TransactionId} to {Party}: the payload source does not hold it</c></summary>
    public const int RecoveryRefusedNotHeld = 7104;

    /// <summary>Warning: <c>Refused transaction {TransactionId} to {Party}: its {Size} bytes exceed maxAllowedSizeInBytes ({Limit})</c></summary>
    public const int RecoveryRefusedTooLarge = 7105;

    /// <summary>Information: <c>Cut a recovery answer to {Party} short at {Limit}; it may ask again in {RetryAfter}</c></summary>
    public const int RecoveryAnswerThrottled = 7106;

    /// <summary>Warning: <c>A recovery session from {Party} failed: {Reason}</c></summary>
    public const int RecoverySessionFailed = 7107;

    /// <summary>Information: <c>{Party} abandoned its recovery session: {Reason}</c></summary>
    public const int RecoverySessionAbandoned = 7108;

    /// <summary>Information: <c>Recovery {RecoveryId} from {Party} waits {Wait} for the counterparty's recovery limits</c></summary>
    public const int RecoveryPaused = 7200;

    /// <summary>Warning: <c>Recovery {RecoveryId} from {Party} retries in {Wait}: {Reason}</c></summary>
    public const int RecoveryRetrying = 7201;

    /// <summary>Information: <c>Recovery {RecoveryId}: {Party} did not serve transaction {TransactionId}</c></summary>
    public const int RecoveryTransactionNotServed = 7202;

    /// <summary>Warning: <c>Recovery {RecoveryId}: rejected transaction {TransactionId} from {Party}: {Reason}</c></summary>
    public const int RecoveryTransactionRejected = 7203;

    /// <summary>Error: <c>Recovery {RecoveryId}: the sink failed storing transaction {TransactionId} from {Party}</c></summary>
    public const int RecoverySinkFailed = 7204;

    /// <summary>Information: <c>Exported {Count} transactions ({Bytes} bytes, {Batches} batches) for {Party}; {NotInRelevantSet} requested IDs outside its relevant set and {NotHeld} not held were left out</c></summary>
    public const int ManualExportWritten = 7500;

    /// <summary>Information: <c>Imported recovery {RecoveryId} from {Party}: {State}, {Recovered} recovered, {Rejected} rejected, {Bytes} bytes</c></summary>
    public const int ManualImportFinished = 7501;

    /// <summary>Warning: <c>Refused to import a manual recovery file from {Party}: {Problem}</c></summary>
    public const int ManualImportRefused = 7502;
}
