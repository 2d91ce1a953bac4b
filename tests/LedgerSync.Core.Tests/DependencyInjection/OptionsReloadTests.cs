using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LedgerSync.Tests.DependencyInjection;

/// <summary>Under <c>AddLedgerSync(configuration)</c>, options follow their configuration when it reloads.</summary>
public sealed class OptionsReloadTests
{
    [Test]
    public async Task AddLedgerSync_ConfigurationReloaded_MonitorSeesTheNewValue()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LedgerSync:localParty"] = "O=PartyA, L=London, C=GB",
                ["LedgerSync:maxAllowedReconciliationRequestsPerTimeWindow"] = "10",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLedgerSync(configuration);
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<LedgerSyncOptions>>();
        Assert.That(monitor.CurrentValue.MaxAllowedReconciliationRequestsPerTimeWindow, Is.EqualTo(10));
        var changed = 0;
        using var subscription = monitor.OnChange(_ => Interlocked.Increment(ref changed));

        configuration["LedgerSync:maxAllowedReconciliationRequestsPerTimeWindow"] = "25";
        configuration.Reload();

        Assert.That(monitor.CurrentValue.MaxAllowedReconciliationRequestsPerTimeWindow, Is.EqualTo(25));
        Assert.That(changed, Is.GreaterThanOrEqualTo(1));
    }
}
