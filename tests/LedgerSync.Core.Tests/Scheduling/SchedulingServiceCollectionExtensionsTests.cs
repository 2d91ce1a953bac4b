using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using LedgerSync.Testing.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LedgerSync.Tests.Scheduling;

[TestFixture]
public sealed class SchedulingServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddLedgerSync_CalledTwice_OneSchedulerThatIsAlsoAdmissionAndHostedService()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IReconciliationInitiator>(new FakeReconciliationInitiator());
        services.AddSingleton<ILedgerGraph>(new FakeLedgerGraph());
        services.AddLedgerSync(o => o.LocalParty = TestParties.Local);
        services.AddLedgerSync();

        await using var provider = services.BuildServiceProvider();
        var scheduler = provider.GetRequiredService<ReconciliationScheduler>();

        Assert.That(services.Count(d => d.ServiceType == typeof(ReconciliationScheduler)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IIncomingReconciliationAdmission)), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<IIncomingReconciliationAdmission>(), Is.SameAs(scheduler.Admission));
        Assert.That(provider.GetServices<IHostedService>().Count(s => ReferenceEquals(s, scheduler)), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<IStatusStore>(), Is.TypeOf<InMemoryStatusStore>());
        Assert.That(provider.GetRequiredService<IReconciliationJobStore>(), Is.TypeOf<InMemoryReconciliationJobStore>());
        Assert.That(provider.GetRequiredService<IReconciliationJobQueries>(), Is.SameAs(provider.GetRequiredService<IReconciliationJobStore>()));
        Assert.That(services.Single(d => d.ServiceType == typeof(ReconciliationFlows)).Lifetime, Is.EqualTo(ServiceLifetime.Singleton));
        var flows = provider.GetRequiredService<ReconciliationFlows>();
        Assert.That(provider.GetRequiredService<ReconciliationFlows>(), Is.SameAs(flows));
    }

    [Test]
    public async Task UseStatusStore_CustomStore_ReplacesTheDefault()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IReconciliationInitiator>(new FakeReconciliationInitiator());
        services.AddSingleton<ILedgerGraph>(new FakeLedgerGraph());
        services.AddLedgerSync(o => o.LocalParty = TestParties.Local).UseStatusStore<CountingStatusStore>().UseJobStore<InMemoryReconciliationJobStore>();

        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IStatusStore>(), Is.TypeOf<CountingStatusStore>());
        Assert.That(services.Count(d => d.ServiceType == typeof(IStatusStore)), Is.EqualTo(1));
    }

    [Test]
    public async Task AddLedgerSync_WithGenericHost_RunsScheduledJobsAndDrainsOnStop()
    {
        var builder = Host.CreateApplicationBuilder();
        var initiator = new FakeReconciliationInitiator();
        builder.Services.AddSingleton<IReconciliationInitiator>(initiator);
        builder.Services.AddSingleton<ILedgerGraph>(new FakeLedgerGraph());
        builder.Services.AddLedgerSync(o => o.LocalParty = TestParties.Local);
        using var host = builder.Build();
        await host.StartAsync();
        var flows = host.Services.GetRequiredService<ReconciliationFlows>();

        await flows.ScheduleReconciliationAsync([TestParties.B]);
        await TestParties.EventuallyAsync(async () => (await flows.GetReconciliationStatusForPartyAsync(TestParties.B, true))?.LastReconciliationStatus == ReconciliationState.DifferencesNotFound, "ran under the host");
        var monitor = host.Services.GetRequiredService<ReconciliationMonitor>();
        Assert.That(monitor.IsSchedulerStarted, Is.True);
        await host.StopAsync();

        Assert.That(monitor.IsSchedulerStarted, Is.False);
    }

    private sealed class CountingStatusStore : IStatusStore
    {
        private readonly InMemoryStatusStore _inner = new();

        public Task<ReconciliationStatus?> UpdateAsync(PartyName party, bool isRequester, Func<ReconciliationStatus?, ReconciliationStatus?> update, CancellationToken cancellationToken = default) =>
            _inner.UpdateAsync(party, isRequester, update, cancellationToken);

        public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default) => _inner.GetAsync(party, isRequester, cancellationToken);

        public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(StatusQuery query, CancellationToken cancellationToken = default) =>
            _inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyDictionary<ReconciliationState, int>> CountByLastStateAsync(bool isRequester, CancellationToken cancellationToken = default) =>
            _inner.CountByLastStateAsync(isRequester, cancellationToken);

        public Task<IReadOnlyList<ReconciliationStatus>> ReadResultsPageAsync(StatusKey? after, int pageSize, CancellationToken cancellationToken = default) =>
            _inner.ReadResultsPageAsync(after, pageSize, cancellationToken);
    }
}
