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

    /// <summary>The most sketch exchanges (request/response rounds) one reconciliation may use. Default 5; accepted: 1 to 15.</summary>
    public int MaxNumberOfIbfFilterFlows { get; set; } = 5;

    /// <summary>The size of the execution pool shared by outgoing and admitted incoming runs. Default 3; accepted: 1 to 10.</summary>
    public int MaxNumberOfParallelReconciliationRequests { get; set; } = 3;

    /// <summary>How long a requester keeps retrying a busy peer. Default 1 hour; accepted: 0S or more.</summary>
    public TimeSpan MaxReconciliationRetryAttemptTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The sliding window for counting incoming requests per party. Default 1 hour; accepted: 0S or more.</summary>
    public TimeSpan TimeWindowForReconciliationRequestLimit { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many incoming requests per party are answered per window (0 refuses all). Default 1000; accepted: 0 to 2147483647.</summary>
    public int MaxAllowedReconciliationRequestsPerTimeWindow { get; set; } = 1000;

    /// <summary>How many transactions are read per page while the ledger graph initializes. Default 100; accepted: 10 to 10000000.</summary>
    public int TransactionReaderPageSize { get; set; } = 100;

    /// <summary>How many workers decode transactions in parallel while the ledger graph initializes. Default 10; accepted: 5 to 1000.</summary>
    public int TransactionReaderPoolSize { get; set; } = 10;

    /// <summary>This node's own legal identity. Required; accepted: an X.500 name with O, L and C, for example O=PartyA, L=London, C=GB (required).</summary>
    public PartyName? LocalParty { get; set; }

    /// <summary>The largest message, in bytes, sent or accepted. Default 10 MiB; accepted: 4096 to 2147483647.</summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>How long a session may wait for the next message from its peer before the run fails. Default 2 minutes; accepted: 1S to 24H.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the stuck-session monitor looks for runs waiting on a peer, and the wait after which it warns. Default 30 seconds; accepted: 1S to 24H.</summary>
    public TimeSpan StuckSessionWarningInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a running job's lease lasts before another scheduler instance may take it over; renewed at a third of it. Default 30 seconds; accepted: 1S to 1H.</summary>
    public TimeSpan RunLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first back-off delay when a peer is busy; it grows (with jitter) on each retry. Default 1 second; accepted: 00:00:00.0100000 to 1H.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest back-off delay between retries of a busy peer. Default 5 minutes; accepted: 00:00:00.0100000 to 24H, and at least <see cref="RetryInitialDelay"/>.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a reconciliation may run, on either side, before it ends as <c>FAILED</c>. Default 1 hour; accepted: 1S to 24H.</summary>
    public TimeSpan MaxReconciliationDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Recovery, responder side: the most transaction IDs one recovery request may ask for. Default 30; accepted: 1 to 1000.</summary>
    public int MaxAllowedTransactions { get; set; } = 30;

    /// <summary>Recovery, responder side: the most payload bytes served to one party per <see cref="TimeWindowForMaxAllowedSize"/>. Default 3000000; accepted: 1 to 10000000.</summary>
    public int MaxAllowedSizeInBytes { get; set; } = 3_000_000;

    /// <summary>Recovery, responder side: the sliding window of <see cref="MaxAllowedSizeInBytes"/>. Default 1 hour; accepted: 1M to 24H.</summary>
    public TimeSpan TimeWindowForMaxAllowedSize { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Recovery, responder side: the most recovery requests answered per party per <see cref="TimeWindowForMaxAllowedRequests"/>. Default 30; accepted: 1 to 100000.</summary>
    public int MaxAllowedRequests { get; set; } = 30;

    /// <summary>Recovery, responder side: the sliding window of <see cref="MaxAllowedRequests"/>. Default 1 hour; accepted: 1M to 24H.</summary>
    public TimeSpan TimeWindowForMaxAllowedRequests { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Manual recovery: how many transactions an export writes per batch. Default 100; accepted: 100 to 100000.</summary>
    public int ManualExportTransactionsBatchSize { get; set; } = 100;

    /// <summary>Manual recovery: how many imported transactions are committed at a time. Default 1000; accepted: 1000 to 10000.</summary>
    public int ManualImportNumberOfTransactionsToCommitAfter { get; set; } = 1000;

    /// <summary>Recovery, requester side: whether a reconciliation that found differences queues a recovery of them at once. Default <see langword="false"/>; accepted: true or false.</summary>
    public bool AutoRecoverTransactions { get; set; }

    /// <summary>Recovery, requester side: the longest one recovery may run (pacing waits included) before it ends as <c>FAILED</c>. Default 24 hours; accepted: 1M to 720H.</summary>
    public TimeSpan MaxRecoveryDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Configuration values that could not be parsed while binding, by key (as the reference product spells it).
    /// A later source that binds the same key with a valid value removes its entry. Reported by the validator.
    /// </summary>
    internal Dictionary<string, string> BindingFailures { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A copy of every setting (and of the binding failures): a later change to either object leaves the other as it was.</summary>
    internal LedgerSyncOptions Copy()
    {
        var copy = new LedgerSyncOptions();
        CopyTo(copy);
        return copy;
    }

    /// <summary>Writes every setting (and the binding failures) of these options onto <paramref name="target"/>.</summary>
    internal void CopyTo(LedgerSyncOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        foreach (var key in LedgerSyncOptionKeys.All)
        {
            key.Copy(this, target);
        }

        target.BindingFailures.Clear();
        foreach (var (key, failure) in BindingFailures)
        {
            target.BindingFailures[key] = failure;
        }
    }
}
