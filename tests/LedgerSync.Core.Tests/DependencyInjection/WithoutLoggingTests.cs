using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LedgerSync.Tests.DependencyInjection;

/// <summary>The library resolves and reconciles without <c>AddLogging()</c>: its loggers are optional dependencies.</summary>
public sealed class WithoutLoggingTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=New York, C=US");

    [Test]
    public async Task AddLedgerSync_NoAddLogging_EveryRegisteredServiceResolves()
    {
        var services = NewNode(PartyA, new InMemoryNetwork(), []);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var resolved = 0;
        foreach (var type in services.Select(d => d.ServiceType).Where(t => !t.IsGenericTypeDefinition).Distinct())
        {
            Assert.That(() => provider.GetServices(type).ToList(), Throws.Nothing, type.FullName);
            resolved++;
        }

        Assert.That(resolved, Is.GreaterThan(10));
        Assert.That(services.Any(d => d.ServiceType.FullName!.StartsWith("Microsoft.Extensions.Logging.ILogger", StringComparison.Ordinal)), Is.False, "no logger is registered by the library");
    }

    [Test]
    public async Task AddLedgerSync_NoAddLogging_TwoNodesReconcileAndFindTheMissingTransaction()
    {
        var network = new InMemoryNetwork();
        var payment1 = new TransactionMetadata(TransactionId.HashOf("payment 1"u8), [], [PartyA, PartyB]);
        var payment2 = new TransactionMetadata(TransactionId.HashOf("payment 2"u8), [payment1.Id], [PartyA, PartyB]);
        await using var nodeB = await StartAsync(NewNode(PartyB, network, [payment1, payment2]));
        await using var nodeA = await StartAsync(NewNode(PartyA, network, [payment1]));

        var flows = nodeA.GetRequiredService<ReconciliationFlows>();
        await flows.ScheduleReconciliationAsync([PartyB]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await flows.IsReconciliationScheduledForPartyAsync(PartyB, timeout.Token))
        {
            await Task.Delay(20, timeout.Token);
        }

        var status = await flows.GetReconciliationStatusForPartyAsync(PartyB, isRequester: true, timeout.Token);
        Assert.That(status, Is.Not.Null);
        Assert.That(status!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound), status.ToString());

        await StopAsync(nodeA);
        await StopAsync(nodeB);
    }

    private static ServiceCollection NewNode(PartyName party, InMemoryNetwork network, TransactionMetadata[] ledger)
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = party)
            .UseTransactionSource(new InMemoryTransactionSource(ledger))
            .UseInMemoryTransport(network);
        return services;
    }

    private static async Task<ServiceProvider> StartAsync(ServiceCollection services)
    {
        var provider = services.BuildServiceProvider();
        foreach (var service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }

        await provider.GetRequiredService<ILedgerGraph>().WhenInitializedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return provider;
    }

    private static async Task StopAsync(ServiceProvider provider)
    {
        foreach (var service in provider.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
