using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection;

namespace LedgerSync.Tests.Status;

[TestFixture]
public sealed class StatusStoreLedgerSyncBuilderExtensionsTests
{
    private static readonly PartyName Local = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName B = PartyName.Parse("O=PartyB, L=London, C=GB");

    [Test]
    public async Task UseStatusStore_Factory_ResolvesTheFactorysStoreOnce()
    {
        var services = new ServiceCollection();
        var calls = 0;
        services.AddLedgerSync(o => o.LocalParty = Local).UseStatusStore(_ =>
        {
            calls++;
            return new CountingStatusStore(new InMemoryStatusStore());
        });

        await using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredService<IStatusStore>();
        var second = provider.GetRequiredService<IStatusStore>();

        Assert.That(first, Is.TypeOf<CountingStatusStore>());
        Assert.That(second, Is.SameAs(first));
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IStatusStore)), Is.EqualTo(1));
    }

    [Test]
    public async Task DecorateStatusStore_DefaultStore_WrapsTheInMemoryStoreAndSeesEveryUpdate()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = Local).DecorateStatusStore((_, inner) => new CountingStatusStore(inner));
        await using var provider = services.BuildServiceProvider();
        var store = (CountingStatusStore)provider.GetRequiredService<IStatusStore>();

        var recorder = new ReconciliationStatusRecorder(store);
        var run = Guid.NewGuid();
        await recorder.RecordStartedAsync(B, true, run, DateTimeOffset.UnixEpoch);
        await recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, run, ReconciliationState.DifferencesNotFound, DateTimeOffset.UnixEpoch.AddSeconds(1)));

        Assert.That(store.Inner, Is.TypeOf<InMemoryStatusStore>());
        Assert.That(store.Updates, Is.EqualTo(2));
        Assert.That((await store.Inner.GetAsync(B, true))!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
    }

    [Test]
    public async Task DecorateStatusStore_Twice_NestsTheLastOutermost()
    {
        var services = new ServiceCollection();
        var custom = new InMemoryStatusStore();
        services.AddLedgerSync(o => o.LocalParty = Local)
            .UseStatusStore(_ => custom)
            .DecorateStatusStore((_, inner) => new CountingStatusStore(inner))
            .DecorateStatusStore((_, inner) => new CountingStatusStore(inner));

        await using var provider = services.BuildServiceProvider();

        var outer = (CountingStatusStore)provider.GetRequiredService<IStatusStore>();
        Assert.That(((CountingStatusStore)outer.Inner).Inner, Is.SameAs(custom));
        Assert.That(services.Count(d => d.ServiceType == typeof(IStatusStore)), Is.EqualTo(1));
    }

    [Test]
    public void UseStatusStore_NullFactory_Throws()
    {
        var builder = new ServiceCollection().AddLedgerSync(o => o.LocalParty = Local);

        Assert.That(() => builder.UseStatusStore((Func<IServiceProvider, IStatusStore>)null!), Throws.ArgumentNullException);
        Assert.That(() => builder.DecorateStatusStore(null!), Throws.ArgumentNullException);
    }

    private sealed class CountingStatusStore(IStatusStore inner) : IStatusStore
    {
        public IStatusStore Inner { get; } = inner;

        public int Updates { get; private set; }

        public Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default) =>
            Inner.GetAsync(party, isRequester, cancellationToken);

        public Task<ReconciliationStatus?> UpdateAsync(PartyName party, bool isRequester, Func<ReconciliationStatus?, ReconciliationStatus?> update, CancellationToken cancellationToken = default)
        {
            Updates++;
            return Inner.UpdateAsync(party, isRequester, update, cancellationToken);
        }

        public Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(StatusQuery query, CancellationToken cancellationToken = default) =>
            Inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyDictionary<ReconciliationState, int>> CountByLastStateAsync(bool isRequester, CancellationToken cancellationToken = default) =>
            Inner.CountByLastStateAsync(isRequester, cancellationToken);

        public Task<IReadOnlyList<ReconciliationStatus>> ReadResultsPageAsync(StatusKey? after, int pageSize, CancellationToken cancellationToken = default) =>
            Inner.ReadResultsPageAsync(after, pageSize, cancellationToken);
    }
}
