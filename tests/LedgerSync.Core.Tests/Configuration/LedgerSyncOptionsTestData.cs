using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LedgerSync.Tests.Configuration;

/// <summary>The accepted range of every option, and helpers to resolve options through configuration or code.</summary>
public static class LedgerSyncOptionsTestData
{
    public const string LocalParty = "O=PartyA, L=London, C=GB";

    public sealed record IntOption(string Key, long Min, long Max, Func<LedgerSyncOptions, int> Get, Action<LedgerSyncOptions, int> Set)
    {
        public override string ToString() => Key;
    }

    public sealed record DurationOption(string Key, TimeSpan Min, TimeSpan Max, Func<LedgerSyncOptions, TimeSpan> Get, Action<LedgerSyncOptions, TimeSpan> Set)
    {
        public override string ToString() => Key;
    }

    public static readonly IntOption[] IntOptions =
    [
        new("maxNumberOfIbfFilterFlows", 1, 15, o => o.MaxNumberOfIbfFilterFlows, (o, v) => o.MaxNumberOfIbfFilterFlows = v),
        new("maxNumberOfParallelReconciliationRequests", 1, 10, o => o.MaxNumberOfParallelReconciliationRequests, (o, v) => o.MaxNumberOfParallelReconciliationRequests = v),
        new("maxAllowedReconciliationRequestsPerTimeWindow", 0, int.MaxValue, o => o.MaxAllowedReconciliationRequestsPerTimeWindow, (o, v) => o.MaxAllowedReconciliationRequestsPerTimeWindow = v),
        new("transactionReaderPageSize", 10, 10_000_000, o => o.TransactionReaderPageSize, (o, v) => o.TransactionReaderPageSize = v),
        new("transactionReaderPoolSize", 5, 1000, o => o.TransactionReaderPoolSize, (o, v) => o.TransactionReaderPoolSize = v),
        new("maxMessageSize", 4096, int.MaxValue, o => o.MaxMessageSize, (o, v) => o.MaxMessageSize = v),
    ];

    public static readonly DurationOption[] DurationOptions =
    [
        new("maxReconciliationRetryAttemptTimeout", TimeSpan.Zero, TimeSpan.MaxValue, o => o.MaxReconciliationRetryAttemptTimeout, (o, v) => o.MaxReconciliationRetryAttemptTimeout = v),
        new("timeWindowForReconciliationRequestLimit", TimeSpan.Zero, TimeSpan.MaxValue, o => o.TimeWindowForReconciliationRequestLimit, (o, v) => o.TimeWindowForReconciliationRequestLimit = v),
        new("sessionTimeout", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), o => o.SessionTimeout, (o, v) => o.SessionTimeout = v),
        new("stuckSessionWarningInterval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), o => o.StuckSessionWarningInterval, (o, v) => o.StuckSessionWarningInterval = v),
        new("runLeaseDuration", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), o => o.RunLeaseDuration, (o, v) => o.RunLeaseDuration = v),
        new("retryInitialDelay", TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), o => o.RetryInitialDelay, (o, v) => o.RetryInitialDelay = v),
        new("retryMaxDelay", TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1), o => o.RetryMaxDelay, (o, v) => o.RetryMaxDelay = v),
        new("maxReconciliationDuration", TimeSpan.FromSeconds(1), TimeSpan.FromHours(24), o => o.MaxReconciliationDuration, (o, v) => o.MaxReconciliationDuration = v),
    ];

    /// <summary>(option, value, valid) for min, max, min-1 and max+1 of every integer option.</summary>
    public static IEnumerable<TestCaseData> IntBoundaries()
    {
        foreach (var option in IntOptions)
        {
            yield return new TestCaseData(option, option.Min, true).SetArgDisplayNames(option.Key, "min");
            yield return new TestCaseData(option, option.Max, true).SetArgDisplayNames(option.Key, "max");
            yield return new TestCaseData(option, option.Min - 1, false).SetArgDisplayNames(option.Key, "min-1");
            yield return new TestCaseData(option, option.Max + 1, false).SetArgDisplayNames(option.Key, "max+1");
        }
    }

    /// <summary>As <see cref="IntBoundaries"/>, without the values an int cannot hold (max+1 of options whose maximum is int.MaxValue).</summary>
    public static IEnumerable<TestCaseData> IntBoundariesInCode() =>
        IntBoundaries().Where(c => (long)c.Arguments[1]! is >= int.MinValue and <= int.MaxValue);

    /// <summary>(option, value, valid) for min, max, min-1 tick and max+1 tick of every duration option (where representable).</summary>
    public static IEnumerable<TestCaseData> DurationBoundaries()
    {
        foreach (var option in DurationOptions)
        {
            yield return new TestCaseData(option, option.Min, true).SetArgDisplayNames(option.Key, "min");
            yield return new TestCaseData(option, option.Max, true).SetArgDisplayNames(option.Key, "max");
            yield return new TestCaseData(option, option.Min - TimeSpan.FromTicks(1), false).SetArgDisplayNames(option.Key, "min-1");
            if (option.Max != TimeSpan.MaxValue)
            {
                yield return new TestCaseData(option, option.Max + TimeSpan.FromTicks(1), false).SetArgDisplayNames(option.Key, "max+1");
            }
        }
    }

    /// <summary>A configuration that is valid apart from what <paramref name="overrides"/> changes.</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] overrides)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["LedgerSync:localParty"] = LocalParty,

            // Wide retry delays, so that testing one end of one of them does not break the rule max >= initial.
            ["LedgerSync:retryInitialDelay"] = "00:00:00.010",
            ["LedgerSync:retryMaxDelay"] = "24H",
        };
        foreach (var (key, value) in overrides)
        {
            values[key.Contains(':', StringComparison.Ordinal) ? key : "LedgerSync:" + key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    public static LedgerSyncOptions Resolve(IConfiguration configuration, Action<LedgerSyncOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(configuration, configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value;
    }

    public static LedgerSyncOptions ResolveFromCode(Action<LedgerSyncOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o =>
        {
            o.LocalParty = PartyName.Parse(LocalParty);
            o.RetryInitialDelay = TimeSpan.FromMilliseconds(10);
            o.RetryMaxDelay = TimeSpan.FromDays(1);
            configure(o);
        });
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value;
    }

    /// <summary>The validation failures <paramref name="resolve"/> throws (empty when it does not throw).</summary>
    public static IReadOnlyList<string> FailuresOf(Func<LedgerSyncOptions> resolve)
    {
        try
        {
            resolve();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
    }

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
