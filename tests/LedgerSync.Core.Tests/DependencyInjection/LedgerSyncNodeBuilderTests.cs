using System.Collections.Immutable;
using LedgerSync.Ledger;
using LedgerSync.Status;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LedgerSync.Tests.DependencyInjection;

/// <summary>Nodes assembled by <see cref="LedgerSyncNodeBuilder"/>, without a host or a container of the test's own.</summary>
public sealed class LedgerSyncNodeBuilderTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] ExpectedFailures =
    [
        "maxNumberOfIbfFilterFlows = 16 is out of range; accepted: 1 to 15.",
        "sessionTimeout = 0S is out of range; accepted: 1S to 24H.",
        "maxAllowedTransactions = 1001 is out of range; accepted: 1 to 1000.",
        "localParty is not set; accepted: an X.500 name with O, L and C, for example O=PartyA, L=London, C=GB (required).",
    ];

    private static readonly string[] ExpectedFailedKeys = ["maxNumberOfIbfFilterFlows", "sessionTimeout", "maxAllowedTransactions", "localParty"];

    private InMemoryNetwork _network = null!;

    [SetUp]
    public void SetUp() => _network = new InMemoryNetwork();

    [TearDown]
    public async Task TearDown() => await _network.DisposeAsync();

    [Test]
    public async Task Build_TwoNodesOnAnInMemoryNetwork_ReconciliationFindsWhatOnlyThePeerHas()
    {
        var shared = Transactions(0, 500);
        var onlyB = Transactions(500, 37);
        await using var a = BuildNode(PartyA, shared);
        await using var b = BuildNode(PartyB, shared.Concat(onlyB));
        await a.StartAsync();
        await b.StartAsync();
        Assert.That(await WaitForAsync(() => a.Monitor.LedgerGraphIsInitialized && b.Monitor.LedgerGraphIsInitialized), Is.True, "the ledger graphs did not load");

        await a.Flows.ScheduleReconciliationAsync([PartyB]);

        Assert.That(
            await WaitForAsync(async () => (await a.Monitor.GetReconciliationStatusAsync(PartyB))?.LastReconciliationStatus == ReconciliationState.DifferencesFound),
            Is.True,
            "the reconciliation did not end DIFFERENCES_FOUND");
        var status = await a.Flows.GetReconciliationStatusForPartyAsync(PartyB, isRequester: true);
        Assert.That(status!.LastSuccessfulReconciliationResult, Is.EquivalentTo(onlyB.Select(t => t.Id)));
        Assert.That(
            await WaitForAsync(async () => (await b.Monitor.GetReconciliationStatusAsync(PartyA, isRequester: false))?.LastReconciliationStatus is ReconciliationState.DifferencesNotFound or ReconciliationState.DifferencesFound),
            Is.True,
            "the responder recorded no served run");

        await a.StopAsync();
        await b.StopAsync();
    }

    [Test]
    public void Build_SeveralInvalidValues_ThrowsConfigurationExceptionWithEveryFailure()
    {
        var builder = new LedgerSyncNodeBuilder().ConfigureOptions(o =>
        {
            o.MaxNumberOfIbfFilterFlows = 16;
            o.SessionTimeout = TimeSpan.Zero;
            o.MaxAllowedTransactions = 1001;
        });

        var exception = Assert.Throws<LedgerSyncConfigurationException>(() => builder.Build());

        Assert.That(exception!.Errors.Select(e => e.Message), Is.EqualTo(ExpectedFailures));
        Assert.That(exception.Errors.Select(e => e.Key), Is.EqualTo(ExpectedFailedKeys));
        Assert.That(exception.Message, Does.StartWith("The LedgerSync node configuration has 4 errors:"));
    }

    [Test]
    public void BuildConfiguration_RetryMaxDelayBelowInitialDelay_ThrowsNamingBothKeys()
    {
        var builder = new LedgerSyncNodeBuilder().ConfigureOptions(o =>
        {
            o.LocalParty = PartyA;
            o.RetryInitialDelay = TimeSpan.FromSeconds(10);
            o.RetryMaxDelay = TimeSpan.FromSeconds(9);
        });

        Assert.That(
            () => builder.BuildConfiguration(),
            Throws.TypeOf<LedgerSyncConfigurationException>()
                .With.Property(nameof(LedgerSyncConfigurationException.Key)).EqualTo("retryMaxDelay")
                .And.Message.EqualTo("retryMaxDelay = 9S is less than retryInitialDelay = 10S; accepted: at least retryInitialDelay."));
    }

    [Test]
    public async Task Build_OptionsChangedAfterBuild_NodeKeepsTheValuesItWasBuiltWith()
    {
        var builder = new LedgerSyncNodeBuilder();
        builder.Options.LocalParty = PartyA;
        builder.Options.MaxMessageSize = 8192;
        builder.Options.SessionTimeout = TimeSpan.FromMinutes(7);

        await using var node = builder.Build();
        builder.Options.MaxMessageSize = 65536;
        builder.Options.SessionTimeout = TimeSpan.FromMinutes(1);
        builder.Options.LocalParty = PartyB;
        node.Configuration.GetOptions().MaxMessageSize = 1 << 20;

        var used = node.Services.GetRequiredService<IOptionsMonitor<LedgerSyncOptions>>().CurrentValue;
        Assert.That((used.MaxMessageSize, used.SessionTimeout, used.LocalParty), Is.EqualTo((8192, TimeSpan.FromMinutes(7), PartyA)));
        var frozen = node.Configuration.GetOptions();
        Assert.That((frozen.MaxMessageSize, frozen.SessionTimeout, frozen.LocalParty), Is.EqualTo((8192, TimeSpan.FromMinutes(7), PartyA)));
        Assert.That(node.Configuration.LocalParty, Is.EqualTo(PartyA));
    }

    [Test]
    public async Task Build_PluginsChosenOnTheBuilder_AreTheOnesTheNodeUses()
    {
        var statuses = new InMemoryStatusStore();
        var source = new InMemoryTransactionSource(Transactions(0, 3));
        var clock = TimeProvider.System;
        await using var node = new LedgerSyncNodeBuilder()
            .ConfigureOptions(o => o.LocalParty = PartyA)
            .UseStatusStore(statuses)
            .UseTransactionSource(source)
            .UseTimeProvider(clock)
            .Build();

        Assert.That(node.Services.GetRequiredService<IStatusStore>(), Is.SameAs(statuses));
        Assert.That(node.Services.GetRequiredService<ITransactionSource>(), Is.SameAs(source));
        Assert.That(node.Services.GetRequiredService<TimeProvider>(), Is.SameAs(clock));
        Assert.That(node.Configuration.TimeProvider, Is.SameAs(clock));
    }

    [Test]
    public async Task StartAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var node = new LedgerSyncNodeBuilder().ConfigureOptions(o => o.LocalParty = PartyA).Build();
        await node.StartAsync();
        await node.DisposeAsync();

        Assert.That(async () => await node.StartAsync(), Throws.TypeOf<ObjectDisposedException>());
    }

    private LedgerSyncNode BuildNode(PartyName party, IEnumerable<TransactionMetadata> transactions)
    {
        var node = new LedgerSyncNodeBuilder()
            .ConfigureOptions(o => o.LocalParty = party)
            .UseTransactionSource(new InMemoryTransactionSource(transactions))
            .UsePeerTransport(_network.CreateTransport(party))
            .Build();
        _network.Register(party, node.InboundSessionHandler);
        return node;
    }

    private static List<TransactionMetadata> Transactions(int first, int count) =>
        [.. Enumerable.Range(first, count).Select(i => new TransactionMetadata(TransactionId.HashOf(BitConverter.GetBytes(i)), [], ImmutableArray.Create(PartyA, PartyB)))];

    private static Task<bool> WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + RealTimeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
