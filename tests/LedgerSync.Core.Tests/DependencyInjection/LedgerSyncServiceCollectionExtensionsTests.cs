using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NSubstitute;
using static LedgerSync.Tests.Configuration.LedgerSyncOptionsTestData;

namespace LedgerSync.Tests.DependencyInjection;

public sealed class LedgerSyncServiceCollectionExtensionsTests
{
    private static readonly Action<LedgerSyncOptions> SetLocalParty = o => o.LocalParty = PartyName.Parse(LocalParty);

    [Test]
    public void AddLedgerSync_CalledTwice_RegistersTheSameServicesAsOnce()
    {
        var configuration = Config(("maxNumberOfIbfFilterFlows", "7"));
        var once = new ServiceCollection();
        once.AddLedgerSync(configuration, SetLocalParty);
        var twice = new ServiceCollection();
        twice.AddLedgerSync(configuration, SetLocalParty);
        twice.AddLedgerSync(configuration, SetLocalParty);
        twice.AddLedgerSync();

        Assert.That(Fingerprint(twice), Is.EqualTo(Fingerprint(once)));
    }

    [Test]
    public async Task AddLedgerSync_CalledTwice_NoDuplicateHostedServicesValidatorsOrSingletons()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLedgerSync(SetLocalParty);
        services.AddLedgerSync(SetLocalParty);
        await using var provider = services.BuildServiceProvider();

        var validators = provider.GetServices<IValidateOptions<LedgerSyncOptions>>().ToList();
        Assert.That(validators, Has.Count.EqualTo(1)); // ranges (from the key table) and rules between keys, in one validator
        Assert.That(validators[0], Is.TypeOf<LedgerSyncOptionsValidator>());
        Assert.That(provider.GetServices<IHostedService>().Select(s => s.GetType()), Is.Unique);
        Assert.That(provider.GetServices<TimeProvider>().Count(), Is.EqualTo(1));
        Assert.That(
            services.Where(d => !IsOptionsPlumbing(d.ServiceType)).GroupBy(Describe).Where(g => g.Count() > 1).Select(g => g.Key),
            Is.Empty);
    }

    [Test]
    public async Task AddLedgerSync_SameConfigureTwice_AppliesItOnce()
    {
        Action<LedgerSyncOptions> increment = o => o.MaxNumberOfIbfFilterFlows++;
        var services = new ServiceCollection();
        services.AddLedgerSync(SetLocalParty);
        services.AddLedgerSync(increment);
        services.AddLedgerSync(increment);
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value.MaxNumberOfIbfFilterFlows, Is.EqualTo(6));
    }

    [Test]
    public async Task AddLedgerSync_DifferentConfigureDelegates_AppliesEachInOrder()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(SetLocalParty);
        services.AddLedgerSync(o => o.MaxNumberOfIbfFilterFlows = 2);
        services.AddLedgerSync(o => o.MaxNumberOfIbfFilterFlows *= 3);
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value.MaxNumberOfIbfFilterFlows, Is.EqualTo(6));
    }

    [Test]
    public async Task AddLedgerSync_CalledTwiceInAHost_StartsAndStops()
    {
        using var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddLedgerSync(SetLocalParty);
                services.AddLedgerSync(SetLocalParty);
            })
            .Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.That(host.Services.GetRequiredService<IOptions<LedgerSyncOptions>>().Value.LocalParty, Is.EqualTo(PartyName.Parse(LocalParty)));
    }

    [Test]
    public void AddLedgerSync_ReturnsBuilderOverTheSameCollection()
    {
        var services = new ServiceCollection();

        var builder = services.AddLedgerSync();

        Assert.That(builder.Services, Is.SameAs(services));
    }

    [Test]
    public void AddLedgerSync_NullArguments_Throw()
    {
        Assert.That(() => ((IServiceCollection)null!).AddLedgerSync(), Throws.ArgumentNullException);
        Assert.That(() => new ServiceCollection().AddLedgerSync((IConfiguration)null!), Throws.ArgumentNullException);
    }

    [Test]
    public async Task AddLedgerSync_TimeProviderRegisteredFirst_KeepsIt()
    {
        var services = new ServiceCollection();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        services.AddSingleton<TimeProvider>(clock);
        services.AddLedgerSync(SetLocalParty);
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(clock));
    }

    [Test]
    public async Task AddLedgerSync_InboundHandlerRegisteredFirst_KeepsIt()
    {
        var services = new ServiceCollection();
        var handler = Substitute.For<LedgerSync.Transport.IInboundSessionHandler>();
        services.AddSingleton(handler);
        services.AddLedgerSync(SetLocalParty);
        services.AddLedgerSync(SetLocalParty);
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<LedgerSync.Transport.IInboundSessionHandler>(), Is.SameAs(handler));
    }

    [Test]
    public async Task AddLedgerSync_NoInboundHandlerOfTheHost_DispatchesReconciliationAndRecoverySessions()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(SetLocalParty);
        services.AddLedgerSync(SetLocalParty);
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<LedgerSync.Transport.IInboundSessionHandler>(), Is.TypeOf<LedgerSync.Recovery.InboundSessionDispatcher>());
    }

    // Options registers its own plumbing per options type (IConfigureOptions<StartupValidatorOptions>, ...); ours is deduplicated by the fingerprint test.
    private static bool IsOptionsPlumbing(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
        && (definition == typeof(IConfigureOptions<>) || definition == typeof(IPostConfigureOptions<>) || definition == typeof(IOptionsChangeTokenSource<>));

    // A registration's identity: service type, lifetime and implementation (type, instance type, or the factory's method).
    private static string Describe(ServiceDescriptor d) =>
        $"{d.ServiceType.FullName} {d.Lifetime} {d.ImplementationType?.FullName ?? d.ImplementationInstance?.GetType().FullName ?? $"{d.ImplementationFactory?.Method.DeclaringType?.FullName}.{d.ImplementationFactory?.Method.Name}"}";

    // Order-insensitive: a second call may move a registration (services.Replace) without duplicating it.
    private static List<string> Fingerprint(IServiceCollection services) => [.. services.Select(Describe).Order(StringComparer.Ordinal)];
}
