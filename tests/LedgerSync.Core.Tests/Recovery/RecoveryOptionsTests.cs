using Microsoft.Extensions.Configuration;
using static LedgerSync.Tests.Configuration.LedgerSyncOptionsTestData;

namespace LedgerSync.Tests.Recovery;

/// <summary>The recovery options: defaults, accepted ranges (configuration and code), the <c>.conf</c> file.</summary>
[TestFixture]
public sealed class RecoveryOptionsTests
{
    private static readonly IntOption[] Ints =
    [
        new("maxAllowedTransactions", 1, 1000, o => o.MaxAllowedTransactions, (o, v) => o.MaxAllowedTransactions = v),
        new("maxAllowedSizeInBytes", 1, 10_000_000, o => o.MaxAllowedSizeInBytes, (o, v) => o.MaxAllowedSizeInBytes = v),
        new("maxAllowedRequests", 1, 100_000, o => o.MaxAllowedRequests, (o, v) => o.MaxAllowedRequests = v),
        new("manualExportTransactionsBatchSize", 100, 100_000, o => o.ManualExportTransactionsBatchSize, (o, v) => o.ManualExportTransactionsBatchSize = v),
        new("manualImportNumberOfTransactionsToCommitAfter", 1000, 10_000, o => o.ManualImportNumberOfTransactionsToCommitAfter, (o, v) => o.ManualImportNumberOfTransactionsToCommitAfter = v),
    ];

    private static readonly DurationOption[] Durations =
    [
        new("timeWindowForMaxAllowedSize", TimeSpan.FromMinutes(1), TimeSpan.FromHours(24), o => o.TimeWindowForMaxAllowedSize, (o, v) => o.TimeWindowForMaxAllowedSize = v),
        new("timeWindowForMaxAllowedRequests", TimeSpan.FromMinutes(1), TimeSpan.FromHours(24), o => o.TimeWindowForMaxAllowedRequests, (o, v) => o.TimeWindowForMaxAllowedRequests = v),
        new("maxRecoveryDuration", TimeSpan.FromMinutes(1), TimeSpan.FromDays(30), o => o.MaxRecoveryDuration, (o, v) => o.MaxRecoveryDuration = v),
    ];

    private static IEnumerable<TestCaseData> IntCases() =>
        Ints.SelectMany(o => new[]
        {
            new TestCaseData(o, o.Min, true).SetArgDisplayNames(o.Key, "min"),
            new TestCaseData(o, o.Max, true).SetArgDisplayNames(o.Key, "max"),
            new TestCaseData(o, o.Min - 1, false).SetArgDisplayNames(o.Key, "min-1"),
            new TestCaseData(o, o.Max + 1, false).SetArgDisplayNames(o.Key, "max+1"),
        });

    private static IEnumerable<TestCaseData> DurationCases() =>
        Durations.SelectMany(o => new[]
        {
            new TestCaseData(o, o.Min, true).SetArgDisplayNames(o.Key, "min"),
            new TestCaseData(o, o.Max, true).SetArgDisplayNames(o.Key, "max"),
            new TestCaseData(o, o.Min - TimeSpan.FromSeconds(1), false).SetArgDisplayNames(o.Key, "min-1s"),
            new TestCaseData(o, o.Max + TimeSpan.FromSeconds(1), false).SetArgDisplayNames(o.Key, "max+1s"),
        });

    [Test]
    public void Defaults_AreTheReferenceProductsValues()
    {
        var options = ResolveFromCode(_ => { });

        Assert.That(options.MaxAllowedTransactions, Is.EqualTo(30));
        Assert.That(options.MaxAllowedSizeInBytes, Is.EqualTo(3_000_000));
        Assert.That(options.TimeWindowForMaxAllowedSize, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(options.MaxAllowedRequests, Is.EqualTo(30));
        Assert.That(options.TimeWindowForMaxAllowedRequests, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(options.ManualExportTransactionsBatchSize, Is.EqualTo(100));
        Assert.That(options.ManualImportNumberOfTransactionsToCommitAfter, Is.EqualTo(1000));
        Assert.That(options.AutoRecoverTransactions, Is.False);
        Assert.That(options.MaxRecoveryDuration, Is.EqualTo(TimeSpan.FromHours(24)));
    }

    [TestCaseSource(nameof(IntCases))]
    public void Bind_IntegerFromConfiguration_AcceptedOnlyInRangeNamingTheKey(IntOption option, long value, bool valid)
    {
        var failures = FailuresOf(() => Resolve(Config((option.Key, Text(value)))));

        if (valid)
        {
            Assert.That(failures, Is.Empty);
            Assert.That(option.Get(Resolve(Config((option.Key, Text(value))))), Is.EqualTo(value));
        }
        else
        {
            Assert.That(failures, Has.Exactly(1).EqualTo($"{option.Key} = {Text(value)} is out of range; accepted: {Text(option.Min)} to {Text(option.Max)}."));
        }
    }

    [TestCaseSource(nameof(IntCases))]
    public void Validate_IntegerFromCode_AcceptedOnlyInRange(IntOption option, long value, bool valid)
    {
        var failures = FailuresOf(() => ResolveFromCode(o => option.Set(o, (int)value)));

        Assert.That(failures, valid ? Is.Empty : Has.Exactly(1).StartsWith($"{option.Key} = {Text(value)} is out of range"));
    }

    [TestCaseSource(nameof(DurationCases))]
    public void Validate_DurationFromCode_AcceptedOnlyInRangeNamingTheKey(DurationOption option, TimeSpan value, bool valid)
    {
        var failures = FailuresOf(() => ResolveFromCode(o => option.Set(o, value)));

        Assert.That(failures, valid ? Is.Empty : Has.Exactly(1).StartsWith($"{option.Key} = {LedgerSyncDuration.Format(value)} is out of range; accepted: "));
    }

    [TestCase("1H", 60)]
    [TestCase("30m", 30)]
    [TestCase("1H 30M", 90)]
    public void Bind_WindowDuration_ParsedFromTheReferenceSyntax(string text, int minutes)
    {
        var options = Resolve(Config(("timeWindowForMaxAllowedRequests", text), ("timeWindowForMaxAllowedSize", text)));

        Assert.That(options.TimeWindowForMaxAllowedRequests, Is.EqualTo(TimeSpan.FromMinutes(minutes)));
        Assert.That(options.TimeWindowForMaxAllowedSize, Is.EqualTo(TimeSpan.FromMinutes(minutes)));
    }

    [TestCase("true", true)]
    [TestCase(" FALSE ", false)]
    public void Bind_AutoRecover_ParsesBooleans(string text, bool expected) =>
        Assert.That(Resolve(Config(("autoRecoverTransactions", text))).AutoRecoverTransactions, Is.EqualTo(expected));

    [Test]
    public void Bind_MalformedValues_EveryOneReportedAtOnce()
    {
        var failures = FailuresOf(() => Resolve(Config(("autoRecoverTransactions", "yes"), ("maxAllowedTransactions", "thirty"), ("timeWindowForMaxAllowedSize", "90"))));

        Assert.That(failures, Has.Count.EqualTo(3));
        Assert.That(failures, Has.Some.EqualTo("autoRecoverTransactions = 'yes' is not true or false; accepted: true or false."));
        Assert.That(failures, Has.Some.StartsWith("maxAllowedTransactions = 'thirty' is not a whole number"));
        Assert.That(failures, Has.Some.StartsWith("timeWindowForMaxAllowedSize = '90' is not a duration"));
    }

    [Test]
    public void ConfFile_RecoveryKeys_BindLikeTheOthers()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ledgersync-recovery-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, """
            localParty = "O=PartyA, L=London, C=GB"
            maxAllowedTransactions = 50
            maxAllowedSizeInBytes = 5000000
            timeWindowForMaxAllowedSize = 2H
            maxAllowedRequests = 60
            timeWindowForMaxAllowedRequests = 30M
            manualExportTransactionsBatchSize = 500
            manualImportNumberOfTransactionsToCommitAfter = 2000
            autoRecoverTransactions = true
            """);
        try
        {
            var configuration = new ConfigurationBuilder().AddLedgerSyncConfFile(path).Build();
            var options = Resolve(configuration, o => (o.RetryInitialDelay, o.RetryMaxDelay) = (TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));

            Assert.That(options.MaxAllowedTransactions, Is.EqualTo(50));
            Assert.That(options.MaxAllowedSizeInBytes, Is.EqualTo(5_000_000));
            Assert.That(options.TimeWindowForMaxAllowedSize, Is.EqualTo(TimeSpan.FromHours(2)));
            Assert.That(options.MaxAllowedRequests, Is.EqualTo(60));
            Assert.That(options.TimeWindowForMaxAllowedRequests, Is.EqualTo(TimeSpan.FromMinutes(30)));
            Assert.That(options.ManualExportTransactionsBatchSize, Is.EqualTo(500));
            Assert.That(options.ManualImportNumberOfTransactionsToCommitAfter, Is.EqualTo(2000));
            Assert.That(options.AutoRecoverTransactions, Is.True);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
