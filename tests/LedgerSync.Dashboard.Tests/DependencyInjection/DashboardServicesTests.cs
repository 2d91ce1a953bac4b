using LedgerSync.Dashboard.Data;
using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Dashboard.Tests.DependencyInjection;

/// <summary>The dashboard's services resolve from a container that has LedgerSync's and nothing else.</summary>
public sealed class DashboardServicesTests
{
    private static readonly PartyName Local = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName Other = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    [Test]
    public async Task AddLedgerSyncDashboard_WithoutAddLogging_ResolvesTheActionsAndTheyRun()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local);
        services.AddLedgerSyncDashboard();
        Assert.That(services.Any(d => d.ServiceType == typeof(ILoggerFactory)), Is.False, "the container must not have logging for this test");
        await using var provider = services.BuildServiceProvider();

        var actions = provider.GetRequiredService<LedgerSyncNodeActions>();
        var reader = provider.GetRequiredService<LedgerSyncNodeReader>();
        var stopped = await actions.StopAsync(Other.ToString(), "alice", CancellationToken.None);
        var detail = await reader.GetPartyAsync(Other, 1, 10, 1, 10, CancellationToken.None);

        Assert.That(stopped.Succeeded, Is.True, stopped.Message);
        Assert.That(stopped.Message, Does.Contain("nothing was stopped"));
        Assert.That(detail.History, Is.Empty);
    }

    [Test]
    public void AddLedgerSync_DefaultStore_IsTheRunHistoryTheDashboardReads()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local);
        services.AddLedgerSyncDashboard();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IReconciliationRunHistory>(), Is.SameAs(provider.GetRequiredService<IStatusStore>()));
    }
}
