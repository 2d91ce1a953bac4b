using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static LedgerSync.Tests.Configuration.LedgerSyncOptionsTestData;

namespace LedgerSync.Tests.Configuration;

public sealed class LedgerSyncOptionsBindingTests
{
    [Test]
    public void Resolve_NothingConfigured_HasSeedDefaults()
    {
        var options = Resolve(Config());

        Assert.That(options.MaxNumberOfIbfFilterFlows, Is.EqualTo(5));
        Assert.That(options.MaxNumberOfParallelReconciliationRequests, Is.EqualTo(3));
        Assert.That(options.MaxReconciliationRetryAttemptTimeout, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(options.TimeWindowForReconciliationRequestLimit, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(options.MaxAllowedReconciliationRequestsPerTimeWindow, Is.EqualTo(1000));
        Assert.That(options.TransactionReaderPageSize, Is.EqualTo(100));
        Assert.That(options.TransactionReaderPoolSize, Is.EqualTo(10));
        Assert.That(options.MaxMessageSize, Is.EqualTo(10 * 1024 * 1024));
        Assert.That(options.LocalParty, Is.EqualTo(PartyName.Parse(LocalParty)));
    }

    [TestCaseSource(typeof(LedgerSyncOptionsTestData), nameof(IntBoundaries))]
    public void Resolve_IntegerFromConfiguration_AcceptsExactlyTheRange(IntOption option, long value, bool valid)
    {
        var configuration = Config((option.Key, Text(value)));

        if (valid)
        {
            Assert.That(option.Get(Resolve(configuration)), Is.EqualTo(value));
        }
        else
        {
            Assert.That(FailuresOf(() => Resolve(configuration)), Has.One.StartsWith(option.Key).And.Contains(Text(value))
                .And.EndsWith($"accepted: {Text(option.Min)} to {Text(option.Max)}."));
        }
    }

    [TestCaseSource(typeof(LedgerSyncOptionsTestData), nameof(IntBoundariesInCode))]
    public void Resolve_IntegerFromCode_AcceptsExactlyTheRange(IntOption option, long value, bool valid)
    {
        if (valid)
        {
            Assert.That(option.Get(ResolveFromCode(o => option.Set(o, (int)value))), Is.EqualTo(value));
        }
        else
        {
            Assert.That(FailuresOf(() => ResolveFromCode(o => option.Set(o, (int)value))),
                Is.EqualTo(new[] { $"{option.Key} = {Text(value)} is out of range; accepted: {Text(option.Min)} to {Text(option.Max)}." }));
        }
    }

    [TestCaseSource(typeof(LedgerSyncOptionsTestData), nameof(DurationBoundaries))]
    public void Resolve_DurationFromConfiguration_AcceptsExactlyTheRange(DurationOption option, TimeSpan value, bool valid)
    {
        var configuration = Config((option.Key, LedgerSyncDuration.Format(value)));

        if (valid)
        {
            Assert.That(option.Get(Resolve(configuration)), Is.EqualTo(value));
        }
        else
        {
            Assert.That(FailuresOf(() => Resolve(configuration)), Has.One.StartsWith(option.Key).And.Contains(LedgerSyncDuration.Format(value))
                .And.Contains("accepted: "));
        }
    }

    [TestCaseSource(typeof(LedgerSyncOptionsTestData), nameof(DurationBoundaries))]
    public void Resolve_DurationFromCode_AcceptsExactlyTheRange(DurationOption option, TimeSpan value, bool valid)
    {
        if (valid)
        {
            Assert.That(option.Get(ResolveFromCode(o => option.Set(o, value))), Is.EqualTo(value));
        }
        else
        {
            Assert.That(FailuresOf(() => ResolveFromCode(o => option.Set(o, value))),
                Has.One.StartsWith($"{option.Key} = {LedgerSyncDuration.Format(value)} is out of range; accepted: "));
        }
    }

    [TestCase("1h", 1 * 60)]
    [TestCase("5H3M2S", 5 * 60 + 3)]
    [TestCase(" 2M ", 2)]
    [TestCase("01:30:00", 90)]
    public void Resolve_DurationText_BindsIsoAndClockSyntax(string text, int expectedMinutes)
    {
        var options = Resolve(Config(("maxReconciliationRetryAttemptTimeout", text)));

        Assert.That(options.MaxReconciliationRetryAttemptTimeout.TotalMinutes, Is.EqualTo(expectedMinutes).Within(0.1));
    }

    [Test]
    public void Resolve_KeysInAnyCase_Bind()
    {
        var options = Resolve(Config(
            ("MAXNUMBEROFIBFFILTERFLOWS", "7"),
            ("MaxNumberOfParallelReconciliationRequests", "4"),
            ("timewindowforreconciliationrequestlimit", "10m")));

        Assert.That(options.MaxNumberOfIbfFilterFlows, Is.EqualTo(7));
        Assert.That(options.MaxNumberOfParallelReconciliationRequests, Is.EqualTo(4));
        Assert.That(options.TimeWindowForReconciliationRequestLimit, Is.EqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public void Resolve_LocalPartyInAnyOrder_BindsTheSameParty()
    {
        var options = Resolve(Config(("localParty", " C=GB,L=London ,  O=PartyA ")));

        Assert.That(options.LocalParty, Is.EqualTo(PartyName.Parse(LocalParty)));
    }

    [TestCase("maxNumberOfIbfFilterFlows", "five", "accepted: 1 to 15")]
    [TestCase("maxNumberOfIbfFilterFlows", "5.0", "accepted: 1 to 15")]
    [TestCase("maxNumberOfIbfFilterFlows", "", "accepted: 1 to 15")]
    [TestCase("maxAllowedReconciliationRequestsPerTimeWindow", "99999999999", "accepted: 0 to 2147483647")]
    [TestCase("maxReconciliationRetryAttemptTimeout", "90", "accepted: 0S or more")]
    [TestCase("maxReconciliationRetryAttemptTimeout", "1D", "accepted: 0S or more")]
    [TestCase("sessionTimeout", "PT1H", "accepted: 1S to 24H")]
    [TestCase("localParty", "O=PartyA, L=London", "the 'C' attribute is required")]
    [TestCase("localParty", "PartyA", "is not a party name")]
    public void Resolve_MalformedValue_FailureNamesKeyValueAndRange(string key, string value, string expected)
    {
        Assert.That(FailuresOf(() => Resolve(Config((key, value)))), Has.One.StartsWith($"{key} = '{value}' ").And.Contains(expected));
    }

    [Test]
    public void Resolve_CodeConfigure_AppliedAfterConfiguration()
    {
        var options = Resolve(Config(("maxNumberOfIbfFilterFlows", "7")), o => o.MaxNumberOfIbfFilterFlows = 9);

        Assert.That(options.MaxNumberOfIbfFilterFlows, Is.EqualTo(9));
    }

    [Test]
    public void Resolve_CodeRegisteredBeforeConfiguration_CodeStillWins()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.MaxNumberOfIbfFilterFlows = 9);
        services.AddLedgerSync(Config(("maxNumberOfIbfFilterFlows", "7")));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value;

        Assert.That(options.MaxNumberOfIbfFilterFlows, Is.EqualTo(9));
    }

    [Test]
    public void Resolve_SectionPassedDirectly_BindsIt()
    {
        var configuration = Config(("maxNumberOfIbfFilterFlows", "12"));

        var options = Resolve(configuration.GetSection("LedgerSync"));

        Assert.That(options.MaxNumberOfIbfFilterFlows, Is.EqualTo(12));
    }

    [Test]
    public void Resolve_ValuesOutsideTheSection_AreIgnored()
    {
        var configuration = Config(("maxNumberOfIbfFilterFlows", "12"), ("Other:maxNumberOfIbfFilterFlows", "3"), ("maxNumberOfIbfFilterFlows:", null));

        Assert.That(Resolve(configuration).MaxNumberOfIbfFilterFlows, Is.EqualTo(12));
    }

    [Test]
    public void Resolve_AppSettingsJson_BindsNumbersStringsAndDurations()
    {
        const string json = """
            {
              "LedgerSync": {
                "localParty": "O=PartyA, L=London, C=GB",
                "maxNumberOfIbfFilterFlows": 8,
                "maxReconciliationRetryAttemptTimeout": "2H",
                "sessionTimeout": "00:05:00"
              }
            }
            """;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();

        var options = Resolve(configuration);

        Assert.That(options.MaxNumberOfIbfFilterFlows, Is.EqualTo(8));
        Assert.That(options.MaxReconciliationRetryAttemptTimeout, Is.EqualTo(TimeSpan.FromHours(2)));
        Assert.That(options.SessionTimeout, Is.EqualTo(TimeSpan.FromMinutes(5)));
        Assert.That(options.LocalParty, Is.EqualTo(PartyName.Parse(LocalParty)));
    }
}
