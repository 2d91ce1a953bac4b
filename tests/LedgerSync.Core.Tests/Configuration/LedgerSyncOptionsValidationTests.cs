using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static LedgerSync.Tests.Configuration.LedgerSyncOptionsTestData;

namespace LedgerSync.Tests.Configuration;

public sealed class LedgerSyncOptionsValidationTests
{
    [Test]
    public void Resolve_ManyBadValues_ReportsEveryKeyAtOnce()
    {
        var configuration = Config(
            ("localParty", null),
            ("maxNumberOfIbfFilterFlows", "16"),
            ("maxNumberOfParallelReconciliationRequests", "ten"),
            ("maxReconciliationRetryAttemptTimeout", "1D"),
            ("transactionReaderPoolSize", "4"),
            ("sessionTimeout", "0S"));

        var failures = FailuresOf(() => Resolve(configuration, o => o.RunLeaseDuration = TimeSpan.FromHours(2)));

        Assert.That(failures, Has.Count.EqualTo(7));
        Assert.That(failures, Has.One.EqualTo("maxNumberOfIbfFilterFlows = 16 is out of range; accepted: 1 to 15."));
        Assert.That(failures, Has.One.StartsWith("maxNumberOfParallelReconciliationRequests = 'ten' is not a whole number").And.EndsWith("accepted: 1 to 10."));
        Assert.That(failures, Has.One.StartsWith("maxReconciliationRetryAttemptTimeout = '1D' is not a duration").And.EndsWith("accepted: 0S or more."));
        Assert.That(failures, Has.One.EqualTo("transactionReaderPoolSize = 4 is out of range; accepted: 5 to 1000."));
        Assert.That(failures, Has.One.EqualTo("sessionTimeout = 0S is out of range; accepted: 1S to 24H."));
        Assert.That(failures, Has.One.EqualTo("runLeaseDuration = 2H is out of range; accepted: 1S to 1H."));
        Assert.That(failures, Has.One.StartsWith("localParty is not set; accepted: an X.500 name"));
    }

    [Test]
    public void Resolve_RetryMaxDelayBelowInitialDelay_Fails()
    {
        var failures = FailuresOf(() => ResolveFromCode(o =>
        {
            o.RetryInitialDelay = TimeSpan.FromSeconds(10);
            o.RetryMaxDelay = TimeSpan.FromSeconds(9);
        }));

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Is.EqualTo("retryMaxDelay = 9S is less than retryInitialDelay = 10S; accepted: at least retryInitialDelay."));
    }

    [Test]
    public void Resolve_RetryMaxDelayEqualToInitialDelay_Succeeds()
    {
        var options = ResolveFromCode(o =>
        {
            o.RetryInitialDelay = TimeSpan.FromSeconds(10);
            o.RetryMaxDelay = TimeSpan.FromSeconds(10);
        });

        Assert.That(options.RetryMaxDelay, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Resolve_NoLocalParty_FailsNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync();
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("localParty is not set"));
    }

    [Test]
    public void Resolve_BadValueLaterFixedByAnotherSource_ReportsNothing()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(Config(("maxNumberOfIbfFilterFlows", "many")));
        services.AddLedgerSync(Config(("maxNumberOfIbfFilterFlows", "4")));
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value.MaxNumberOfIbfFilterFlows, Is.EqualTo(4));
    }

    [Test]
    public async Task StartAsync_BadValues_HostFailsToStartListingEveryFailure()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddLedgerSync(Config(("maxNumberOfIbfFilterFlows", "0"), ("sessionTimeout", "nonsense"))))
            .Build();

        var failures = new List<string>();
        try
        {
            await host.StartAsync();
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures);
        }

        Assert.That(failures, Has.Count.EqualTo(2));
        Assert.That(failures, Has.One.StartsWith("maxNumberOfIbfFilterFlows = 0"));
        Assert.That(failures, Has.One.StartsWith("sessionTimeout = 'nonsense'"));
    }

    [Test]
    public async Task StartAsync_ValidValues_HostStarts()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddLedgerSync(Config(("maxNumberOfIbfFilterFlows", "15"))))
            .Build();

        await host.StartAsync();
        try
        {
            Assert.That(host.Services.GetRequiredService<IOptions<LedgerSyncOptions>>().Value.MaxNumberOfIbfFilterFlows, Is.EqualTo(15));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
