using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LedgerSync;

/// <summary>The configuration keys of <see cref="LedgerSyncOptions"/>, spelled as the reference product spells them.</summary>
internal static class LedgerSyncOptionKeys
{
    public const string MaxNumberOfIbfFilterFlows = "maxNumberOfIbfFilterFlows";
    public const string MaxNumberOfParallelReconciliationRequests = "maxNumberOfParallelReconciliationRequests";
    public const string MaxReconciliationRetryAttemptTimeout = "maxReconciliationRetryAttemptTimeout";
    public const string TimeWindowForReconciliationRequestLimit = "timeWindowForReconciliationRequestLimit";
    public const string MaxAllowedReconciliationRequestsPerTimeWindow = "maxAllowedReconciliationRequestsPerTimeWindow";
    public const string TransactionReaderPageSize = "transactionReaderPageSize";
    public const string TransactionReaderPoolSize = "transactionReaderPoolSize";
    public const string LocalParty = "localParty";
    public const string MaxMessageSize = "maxMessageSize";
    public const string SessionTimeout = "sessionTimeout";
    public const string StuckSessionWarningInterval = "stuckSessionWarningInterval";
    public const string RunLeaseDuration = "runLeaseDuration";
    public const string RetryInitialDelay = "retryInitialDelay";
    public const string RetryMaxDelay = "retryMaxDelay";
    public const string MaxReconciliationDuration = "maxReconciliationDuration";
    public const string MaxAllowedTransactions = "maxAllowedTransactions";
    public const string MaxAllowedSizeInBytes = "maxAllowedSizeInBytes";
    public const string TimeWindowForMaxAllowedSize = "timeWindowForMaxAllowedSize";
    public const string MaxAllowedRequests = "maxAllowedRequests";
    public const string TimeWindowForMaxAllowedRequests = "timeWindowForMaxAllowedRequests";
    public const string ManualExportTransactionsBatchSize = "manualExportTransactionsBatchSize";
    public const string ManualImportNumberOfTransactionsToCommitAfter = "manualImportNumberOfTransactionsToCommitAfter";
    public const string AutoRecoverTransactions = "autoRecoverTransactions";
    public const string MaxRecoveryDuration = "maxRecoveryDuration";

    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);
    private static readonly TimeSpan OneMinute = TimeSpan.FromMinutes(1);

    /// <summary>Every key, in the order of the documentation table.</summary>
    public static IReadOnlyList<LedgerSyncOptionKey> All { get; } =
    [
        Int(MaxNumberOfIbfFilterFlows, 1, 15, static o => o.MaxNumberOfIbfFilterFlows, static (o, v) => o.MaxNumberOfIbfFilterFlows = v),
        Int(MaxNumberOfParallelReconciliationRequests, 1, 10, static o => o.MaxNumberOfParallelReconciliationRequests, static (o, v) => o.MaxNumberOfParallelReconciliationRequests = v),
        Duration(MaxReconciliationRetryAttemptTimeout, TimeSpan.Zero, TimeSpan.MaxValue, static o => o.MaxReconciliationRetryAttemptTimeout, static (o, v) => o.MaxReconciliationRetryAttemptTimeout = v),
        Duration(TimeWindowForReconciliationRequestLimit, TimeSpan.Zero, TimeSpan.MaxValue, static o => o.TimeWindowForReconciliationRequestLimit, static (o, v) => o.TimeWindowForReconciliationRequestLimit = v),
        Int(MaxAllowedReconciliationRequestsPerTimeWindow, 0, int.MaxValue, static o => o.MaxAllowedReconciliationRequestsPerTimeWindow, static (o, v) => o.MaxAllowedReconciliationRequestsPerTimeWindow = v),
        Int(TransactionReaderPageSize, 10, 10_000_000, static o => o.TransactionReaderPageSize, static (o, v) => o.TransactionReaderPageSize = v),
        Int(TransactionReaderPoolSize, 5, 1000, static o => o.TransactionReaderPoolSize, static (o, v) => o.TransactionReaderPoolSize = v),
        new(LocalParty, "an X.500 name with O, L and C, for example O=PartyA, L=London, C=GB (required)", BindParty, static (from, to) => to.LocalParty = from.LocalParty),
        Int(MaxMessageSize, LedgerSyncOptions.MinMaxMessageSize, int.MaxValue, static o => o.MaxMessageSize, static (o, v) => o.MaxMessageSize = v),
        Duration(SessionTimeout, TimeSpan.FromSeconds(1), OneDay, static o => o.SessionTimeout, static (o, v) => o.SessionTimeout = v),
        Duration(StuckSessionWarningInterval, TimeSpan.FromSeconds(1), OneDay, static o => o.StuckSessionWarningInterval, static (o, v) => o.StuckSessionWarningInterval = v),
        Duration(RunLeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), static o => o.RunLeaseDuration, static (o, v) => o.RunLeaseDuration = v),
        Duration(RetryInitialDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), static o => o.RetryInitialDelay, static (o, v) => o.RetryInitialDelay = v),
        Duration(RetryMaxDelay, TimeSpan.FromMilliseconds(10), OneDay, static o => o.RetryMaxDelay, static (o, v) => o.RetryMaxDelay = v),
        Duration(MaxReconciliationDuration, TimeSpan.FromSeconds(1), OneDay, static o => o.MaxReconciliationDuration, static (o, v) => o.MaxReconciliationDuration = v),
        Int(MaxAllowedTransactions, 1, 1000, static o => o.MaxAllowedTransactions, static (o, v) => o.MaxAllowedTransactions = v),
        Int(MaxAllowedSizeInBytes, 1, 10_000_000, static o => o.MaxAllowedSizeInBytes, static (o, v) => o.MaxAllowedSizeInBytes = v),
        Duration(TimeWindowForMaxAllowedSize, OneMinute, OneDay, static o => o.TimeWindowForMaxAllowedSize, static (o, v) => o.TimeWindowForMaxAllowedSize = v),
        Int(MaxAllowedRequests, 1, 100_000, static o => o.MaxAllowedRequests, static (o, v) => o.MaxAllowedRequests = v),
        Duration(TimeWindowForMaxAllowedRequests, OneMinute, OneDay, static o => o.TimeWindowForMaxAllowedRequests, static (o, v) => o.TimeWindowForMaxAllowedRequests = v),
        Int(ManualExportTransactionsBatchSize, 100, 100_000, static o => o.ManualExportTransactionsBatchSize, static (o, v) => o.ManualExportTransactionsBatchSize = v),
        Int(ManualImportNumberOfTransactionsToCommitAfter, 1000, 10_000, static o => o.ManualImportNumberOfTransactionsToCommitAfter, static (o, v) => o.ManualImportNumberOfTransactionsToCommitAfter = v),
        Bool(AutoRecoverTransactions, static o => o.AutoRecoverTransactions, static (o, v) => o.AutoRecoverTransactions = v),
        Duration(MaxRecoveryDuration, OneMinute, TimeSpan.FromDays(30), static o => o.MaxRecoveryDuration, static (o, v) => o.MaxRecoveryDuration = v),
    ];

    /// <summary>Finds a key, ignoring case.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out LedgerSyncOptionKey? key)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                key = candidate;
                return true;
            }
        }

        key = null;
        return false;
    }

    /// <summary>Describes a duration range for messages: <c>0S or more</c>, <c>1S to 24H</c>.</summary>
    public static string DescribeRange(TimeSpan min, TimeSpan max) =>
        max == TimeSpan.MaxValue
            ? $"{LedgerSyncDuration.Format(min)} or more"
            : $"{LedgerSyncDuration.Format(min)} to {LedgerSyncDuration.Format(max)}";

    private static LedgerSyncOptionKey Int(string name, int min, int max, Func<LedgerSyncOptions, int> get, Action<LedgerSyncOptions, int> set) =>
        Ranged(
            name,
            min,
            max,
            $"{min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}",
            static (string text, out int value) => int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            "is not a whole number in range",
            static value => value.ToString(CultureInfo.InvariantCulture),
            get,
            set);

    private static LedgerSyncOptionKey Bool(string name, Func<LedgerSyncOptions, bool> get, Action<LedgerSyncOptions, bool> set) =>
        new(
            name,
            "true or false",
            (options, text) =>
            {
                if (!bool.TryParse(text.Trim(), out var value))
                {
                    return "is not true or false";
                }

                set(options, value);
                return null;
            },
            (from, to) => set(to, get(from)));

    private static LedgerSyncOptionKey Duration(string name, TimeSpan min, TimeSpan max, Func<LedgerSyncOptions, TimeSpan> get, Action<LedgerSyncOptions, TimeSpan> set) =>
        Ranged(
            name,
            min,
            max,
            DescribeRange(min, max),
            LedgerSyncDuration.TryParse,
            "is not a duration (such as 1H, 30M, 5H3M2S or hh:mm:ss)",
            LedgerSyncDuration.Format,
            get,
            set);

    private delegate bool TryParser<T>(string text, out T value);

    /// <summary>A key whose value is read by <paramref name="tryParse"/> and must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    private static LedgerSyncOptionKey Ranged<T>(
        string name,
        T min,
        T max,
        string accepted,
        TryParser<T> tryParse,
        string notParsed,
        Func<T, string> format,
        Func<LedgerSyncOptions, T> get,
        Action<LedgerSyncOptions, T> set)
        where T : IComparable<T> =>
        new(
            name,
            accepted,
            (options, text) =>
            {
                if (!tryParse(text, out var value))
                {
                    return notParsed;
                }

                set(options, value);
                return null;
            },
            (from, to) => set(to, get(from)),
            options =>
            {
                var value = get(options);
                return value.CompareTo(min) < 0 || value.CompareTo(max) > 0
                    ? OutOfRange(name, format(value), accepted)
                    : null;
            });

    /// <summary>The message of a value outside its range: <c>&lt;key&gt; = &lt;value&gt; is out of range; accepted: &lt;range&gt;.</c></summary>
    private static string OutOfRange(string name, string shown, string accepted) =>
        $"{name} = {shown} is out of range; accepted: {accepted}.";

    private static string? BindParty(LedgerSyncOptions options, string text)
    {
        if (!PartyName.TryParse(text.Trim(), out var party, out var error))
        {
            return $"is not a party name ({error})";
        }

        options.LocalParty = party;
        return null;
    }
}
