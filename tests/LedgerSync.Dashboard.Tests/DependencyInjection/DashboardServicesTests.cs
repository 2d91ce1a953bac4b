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

    [Test]
    public async Task AddLedgerSync_DecoratedStore_TheRunHistoryIsTheWrappedStores()
    {
        var services = new ServiceCollection();
        var store = new InMemoryStatusStore();
        services.AddLedgerSync(o => o.LocalParty = Local)
            .UseStatusStore(_ => store)
            .DecorateStatusStore((_, inner) => new PassThroughStatusStore(inner));
        services.AddLedgerSyncDashboard();
        await using var provider = services.BuildServiceProvider();
        var decorated = provider.GetRequiredService<IStatusStore>();
        var run = Guid.NewGuid();
        await decorated.UpdateAsync(Other, true, _ => new ReconciliationStatus
        {
            PartyName = Other, IsRequester = true, StateMachineRunId = run, LastReconciliationStatus = ReconciliationState.InProgress,
            LastReconciliationTimeStarted = DateTimeOffset.UnixEpoch,
        });

        var history = provider.GetRequiredService<IReconciliationRunHistory>();
        var detail = await provider.GetRequiredService<LedgerSyncNodeReader>().GetPartyAsync(Other, 1, 10, 1, 10, CancellationToken.None);

        Assert.That(decorated, Is.TypeOf<PassThroughStatusStore>());
        Assert.That(history, Is.SameAs(store));
        Assert.That(detail.History.Select(r => (r.RunId, r.State)), Is.EqualTo(new[] { (run, "IN_PROGRESS") }));
    }

    /// <summary>A decorator that keeps no history of its own.</summary>
    private sealed class PassThroughStatusStore(IStatusStore inner) : IStatusStore
    {
        public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default) =>
            inner.GetAsync(party, isRequester, cancellationToken);

        public Task<ReconciliationStatus?> UpdateAsync(PartyName party, bool isRequester, Func<ReconciliationStatus?, ReconciliationStatus?> update, CancellationToken cancellationToken = default) =>
            inner.UpdateAsync(party, isRequester, update, cancellationToken);

        public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(StatusQuery query, CancellationToken cancellationToken = default) =>
            inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyDictionary<ReconciliationState, int>> CountByLastStateAsync(bool isRequester, CancellationToken cancellationToken = default) =>
            inner.CountByLastStateAsync(isRequester, cancellationToken);

        public Task<IReadOnlyList<ReconciliationStatus>> ReadResultsPageAsync(StatusKey? after, int pageSize, CancellationToken cancellationToken = default) =>
            inner.ReadResultsPageAsync(after, pageSize, cancellationToken);
    }
}
