using System.Reflection;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LedgerSync.Tests.DependencyInjection;

/// <summary>
/// <c>AddLedgerSync</c> in a host and <see cref="LedgerSyncNodeBuilder.Build"/> run the builder's one composition: the same
/// components, the same immutable configuration, the same validation.
/// </summary>
public sealed class HostAndBuilderCompositionTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");

    private static readonly Action<LedgerSyncOptions> Valid = o =>
    {
        o.LocalParty = PartyA;
        o.MaxMessageSize = 8192;
        o.SessionTimeout = TimeSpan.FromMinutes(7);
        o.MaxNumberOfParallelReconciliationRequests = 4;
    };

    private static readonly Action<LedgerSyncOptions> Invalid = o =>
    {
        o.MaxNumberOfIbfFilterFlows = 16;
        o.SessionTimeout = TimeSpan.Zero;
        o.RetryInitialDelay = TimeSpan.FromSeconds(10);
        o.RetryMaxDelay = TimeSpan.FromSeconds(9);
    };

    private static readonly PropertyInfo[] OptionProperties =
        [.. typeof(LedgerSyncOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0)];

    [Test]
    public async Task HostAndBuilder_SameOptionsAndPlugins_ResolveTheSameComponentTypesAndConfiguration()
    {
        var clock = new FakeTimeProvider();
        var source = new InMemoryTransactionSource([]);
        Action<ILedgerSyncBuilder> plugins = b => b.UseTransactionSource(source).UseStatusStore<InMemoryStatusStore>();
        var hostServices = new ServiceCollection();
        hostServices.AddSingleton<TimeProvider>(clock);
        plugins(hostServices.AddLedgerSync(Valid));
        await using var host = hostServices.BuildServiceProvider();
        await using var node = new LedgerSyncNodeBuilder().ConfigureOptions(Valid).UseTimeProvider(clock).ConfigurePlugins(plugins).Build();

        var serviceTypes = hostServices.Select(d => d.ServiceType).Where(t => !t.IsGenericTypeDefinition).Distinct().ToList();
        Assert.That(serviceTypes, Has.Member(typeof(LedgerSyncNodeConfiguration)).And.Member(typeof(IStatusStore)).And.Member(typeof(ReconciliationMonitor)));
        foreach (var type in serviceTypes)
        {
            Assert.That(
                node.Services.GetServices(type).Select(s => s?.GetType()),
                Is.EqualTo(host.GetServices(type).Select(s => s?.GetType())),
                type.FullName);
        }

        var fromHost = host.GetRequiredService<LedgerSyncNodeConfiguration>();
        Assert.That(node.Services.GetRequiredService<LedgerSyncNodeConfiguration>(), Is.SameAs(node.Configuration));
        Assert.That(host.GetRequiredService<ITransactionSource>(), Is.SameAs(source));
        Assert.That(node.Services.GetRequiredService<ITransactionSource>(), Is.SameAs(source));
        Assert.That((fromHost.LocalParty, fromHost.TimeProvider), Is.EqualTo((node.Configuration.LocalParty, node.Configuration.TimeProvider)));
        Assert.That(Values(fromHost.GetOptions()), Is.EqualTo(Values(node.Configuration.GetOptions())));
        Assert.That(fromHost.GetOptions().MaxMessageSize, Is.EqualTo(8192));
    }

    [Test]
    public async Task HostAndBuilder_InvalidOptions_FailWithTheSameErrors()
    {
        var builderFailure = Assert.Throws<LedgerSyncConfigurationException>(() => new LedgerSyncNodeBuilder().ConfigureOptions(Invalid).Build())!;
        var services = new ServiceCollection();
        services.AddLedgerSync(Invalid);
        await using var host = services.BuildServiceProvider();

        var hostFailure = Assert.Throws<LedgerSyncConfigurationException>(() => host.GetRequiredService<LedgerSyncNodeConfiguration>())!;
        var startFailure = Assert.Throws<OptionsValidationException>(() => _ = host.GetRequiredService<IOptions<LedgerSyncOptions>>().Value)!;

        Assert.That(builderFailure.Errors.Select(e => e.Message).ToList(), Has.Count.EqualTo(4));
        Assert.That(hostFailure.Errors.Select(e => (e.Message, e.Key)), Is.EqualTo(builderFailure.Errors.Select(e => (e.Message, e.Key))));
        Assert.That(hostFailure.Message, Is.EqualTo(builderFailure.Message));
        Assert.That(startFailure.Failures, Is.EqualTo(builderFailure.Errors.Select(e => e.Message)));
    }

    [Test]
    public async Task Host_OptionsChangedAfterResolving_ConfigurationKeepsItsValuesWhileTheMonitorReloads()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LedgerSync:localParty"] = "O=PartyA, L=London, C=GB",
                ["LedgerSync:maxAllowedReconciliationRequestsPerTimeWindow"] = "10",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLedgerSync(configuration, o => o.MaxMessageSize = 8192);
        await using var host = services.BuildServiceProvider();
        var resolved = host.GetRequiredService<LedgerSyncNodeConfiguration>();
        var monitor = host.GetRequiredService<IOptionsMonitor<LedgerSyncOptions>>();

        monitor.CurrentValue.MaxMessageSize = 65536;
        resolved.GetOptions().SessionTimeout = TimeSpan.FromMinutes(1);
        configuration["LedgerSync:maxAllowedReconciliationRequestsPerTimeWindow"] = "25";
        configuration.Reload();

        Assert.That(monitor.CurrentValue.MaxAllowedReconciliationRequestsPerTimeWindow, Is.EqualTo(25));
        var frozen = host.GetRequiredService<LedgerSyncNodeConfiguration>().GetOptions();
        Assert.That(
            (frozen.MaxMessageSize, frozen.MaxAllowedReconciliationRequestsPerTimeWindow, frozen.SessionTimeout, frozen.LocalParty),
            Is.EqualTo((8192, 10, new LedgerSyncOptions().SessionTimeout, PartyA)));
    }

    [Test]
    public async Task Monitor_NodeBuiltWithAPoolOfFour_ReportsThePoolAndTheSchedulerState()
    {
        await using var node = new LedgerSyncNodeBuilder().ConfigureOptions(Valid).Build();
        Assert.That((node.Monitor.ExecutionPoolSize, node.Monitor.ExecutionPoolSlotsInUse, node.Monitor.IsSchedulerStarted), Is.EqualTo((4, 0, false)));

        await node.StartAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!node.Monitor.IsSchedulerStarted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(node.Monitor.IsSchedulerStarted, Is.True);
        await node.StopAsync();
        Assert.That(node.Monitor.IsSchedulerStarted, Is.False);
    }

    private static List<string> Values(LedgerSyncOptions options) =>
        [.. OptionProperties.Select(p => $"{p.Name}={p.GetValue(options)}")];
}
