namespace LedgerSync;

/// <summary>
/// LedgerSync settings. Bound from the <c>LedgerSync</c> configuration section (keys as the reference product spells
/// them, e.g. <c>maxNumberOfIbfFilterFlows</c>), from code through <c>AddLedgerSync(o =&gt; ...)</c>, or from a
/// node-style <c>.conf</c> file (see <see cref="LedgerSyncConfFile"/>). Durations in configuration use the syntax of
/// <see cref="LedgerSyncDuration"/> (<c>1H</c>, <c>30M</c>, <c>5H3M2S</c>). Every value is validated when the host
/// starts; a bad value stops it with a message naming the key, the value and the accepted range.
/// </summary>
public sealed class LedgerSyncOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "LedgerSync";

    /// <summary>The default maximum message size: 10 MiB.</summary>
    public const int DefaultMaxMessageSize = 10 * 1024 * 1024;

    /// <summary>The smallest accepted <see cref="MaxMessageSize"/>: 4 KiB.</summary>
    public const int MinMaxMessageSize = 4096;

    /// <summary>The most sketch exchanges (request/response rounds) one reconciliation may use. Default 5; 1 to 15.</summary>
    [AcceptedRange(1, 15)]
    public int MaxNumberOfIbfFilterFlows { get; set; } = 5;

    /// <summary>The size of the execution pool shared by outgoing and admitted incoming runs. Default 3; 1 to 10.</summary>
    [AcceptedRange(1, 10)]
    public int MaxNumberOfParallelReconciliationRequests { get; set; } = 3;

    /// <summary>How long a requester keeps retrying a busy peer. Default 1 hour; 0 seconds or more.</summary>
    public TimeSpan MaxReconciliationRetryAttemptTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The sliding window for counting incoming requests per party. Default 1 hour; 0 seconds or more.</summary>
    public TimeSpan TimeWindowForReconciliationRequestLimit { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many incoming requests per party are answered per window. Default 1000; 0 (refuse all) to 2147483647.</summary>
    [AcceptedRange(0, int.MaxValue)]
    public int MaxAllowedReconciliationRequestsPerTimeWindow { get; set; } = 1000;

    /// <summary>How many transactions are read per page while the ledger graph initializes. Default 100; 10 to 10000000.</summary>
    [AcceptedRange(10, 10_000_000)]
    public int TransactionReaderPageSize { get; set; } = 100;

    /// <summary>How many workers decode transactions in parallel while the ledger graph initializes. Default 10; 5 to 1000.</summary>
    [AcceptedRange(5, 1000)]
    public int TransactionReaderPoolSize { get; set; } = 10;

    /// <summary>This node's own legal identity, for example <c>O=PartyA, L=London, C=GB</c>. Required.</summary>
    public PartyName? LocalParty { get; set; }

    /// <summary>The largest message, in bytes, sent or accepted. Default 10 MiB; 4096 to 2147483647.</summary>
    [AcceptedRange(MinMaxMessageSize, int.MaxValue)]
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>How long a session may wait for the next message from its peer before the run fails. Default 2 minutes; 1 second to 1 day.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the stuck-session monitor looks for runs waiting on a peer, and the wait after which it warns. Default 30 seconds; 1 second to 1 day.</summary>
    public TimeSpan StuckSessionWarningInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a running job's lease lasts before another scheduler instance may take it over; renewed at a third of it. Default 30 seconds; 1 second to 1 hour.</summary>
    public TimeSpan RunLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first back-off delay when a peer is busy; it grows (with jitter) on each retry. Default 1 second; 10 milliseconds to 1 hour.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest back-off delay between retries of a busy peer. Default 5 minutes; at least <see cref="RetryInitialDelay"/>, at most 1 day.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a reconciliation may run, on either side, before it ends as <c>FAILED</c>. Default 1 hour; 1 second to 24 hours.</summary>
    public TimeSpan MaxReconciliationDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Recovery, responder side: the most transaction IDs one recovery request may ask for. Default 30; 1 to 1000.</summary>
    [AcceptedRange(1, 1000)]
    public int MaxAllowedTransactions { get; set; } = 30;

    /// <summary>Recovery, responder side: the most payload bytes served to one party per <see cref="TimeWindowForMaxAllowedSize"/>. Default 3000000; 1 to 10000000.</summary>
    [AcceptedRange(1, 10_000_000)]
    public int MaxAllowedSizeInBytes { get; set; } = 3_000_000;

    /// <summary>Recovery, responder side: the sliding window of <see cref="MaxAllowedSizeInBytes"/>. Default 1 hour; 1 minute to 24 hours.</summary>
    public TimeSpan TimeWindowForMaxAllowedSize { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Recovery, responder side: the most recovery requests answered per party per <see cref="TimeWindowForMaxAllowedRequests"/>. Default 30; 1 to 100000.</summary>
    [AcceptedRange(1, 100_000)]
    public int MaxAllowedRequests { get; set; } = 30;

    /// <summary>Recovery, responder side: the sliding window of <see cref="MaxAllowedRequests"/>. Default 1 hour; 1 minute to 24 hours.</summary>
    public TimeSpan TimeWindowForMaxAllowedRequests { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Manual recovery: how many transactions an export writes per batch. Default 100; 100 to 100000.</summary>
    [AcceptedRange(100, 100_000)]
    public int ManualExportTransactionsBatchSize { get; set; } = 100;

    /// <summary>Manual recovery: how many imported transactions are committed at a time. Default 1000; 1000 to 10000.</summary>
    [AcceptedRange(1000, 10_000)]
    public int ManualImportNumberOfTransactionsToCommitAfter { get; set; } = 1000;

    /// <summary>Recovery, requester side: whether a reconciliation that found differences queues a recovery of them at once. Default <see langword="false"/>.</summary>
    public bool AutoRecoverTransactions { get; set; }

    /// <summary>Recovery, requester side: the longest one recovery may run (pacing waits included) before it ends as <c>FAILED</c>. Default 24 hours; 1 minute to 30 days.</summary>
    public TimeSpan MaxRecoveryDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Configuration values that could not be parsed while binding, by key (as the reference product spells it).
    /// A later source that binds the same key with a valid value removes its entry. Reported by the validator.
    /// </summary>
    internal Dictionary<string, string> BindingFailures { get; } = new(StringComparer.OrdinalIgnoreCase);
}
