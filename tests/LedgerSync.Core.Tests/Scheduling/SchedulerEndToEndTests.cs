using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Scheduling;
using LedgerSync.Tests.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using static LedgerSync.Testing.Scheduling.TestParties;

namespace LedgerSync.Tests.Scheduling;

/// <summary>The scheduler driving the real protocol over the in-memory transport, every node wired with <c>AddLedgerSync()</c>.</summary>
[TestFixture]
public sealed class SchedulerEndToEndTests
{
    private InMemoryNetwork _network = null!;
    private List<ServiceProvider> _nodes = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _nodes = [];
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _network.DisposeAsync();
    }

    [Test]
    public async Task ScheduleReconciliationAsync_HundredPartiesPoolOfThree_AllFinishWithTheRightDifferences()
    {
        var random = new Random(2026);
        var localGraph = new FakeLedgerGraph();
        var local = StartNode(Local, localGraph);
        var expected = new Dictionary<PartyName, List<TransactionId>>();
        var parties = Enumerable.Range(1, 100).Select(Numbered).ToList();
        foreach (var party in parties)
        {
            var shared = Enumerable.Range(0, 20).Select(_ => TransactionId.Random(random)).ToList();
            var theirsOnly = Enumerable.Range(0, random.Next(0, 4)).Select(_ => TransactionId.Random(random)).ToList();
            localGraph.Add(party, shared);
            var theirGraph = new FakeLedgerGraph();
            theirGraph.Add(Local, shared.Concat(theirsOnly));
            StartNode(party, theirGraph);
            expected[party] = theirsOnly;
        }

        var scheduler = local.GetRequiredService<ReconciliationScheduler>();
        var flows = local.GetRequiredService<ReconciliationFlows>();
        await scheduler.StartAsync();

        await flows.ScheduleReconciliationAsync(parties);
        await EventuallyAsync(
            async () => (await flows.GetReconciliationStatusesAsync(isRequester: true)).Count(s => s.LastReconciliationStatus is ReconciliationState.DifferencesFound or ReconciliationState.DifferencesNotFound) == 100,
            "all 100 reconciliations",
            120);

        Assert.That(scheduler.MaxRunningCount, Is.LessThanOrEqualTo(3));
        foreach (var party in parties)
        {
            var status = (await flows.GetReconciliationStatusForPartyAsync(party, isRequester: true))!;
            Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(expected[party]), party.ToString());
            Assert.That(status.LastReconciliationStatus, Is.EqualTo(expected[party].Count > 0 ? ReconciliationState.DifferencesFound : ReconciliationState.DifferencesNotFound));
            var answered = await _nodes[parties.IndexOf(party) + 1].GetRequiredService<ReconciliationFlows>().GetReconciliationStatusForPartyAsync(Local, isRequester: false);
            Assert.That(answered!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound), "the responder records that it answered, nothing more");
            Assert.That(answered.LastSuccessfulReconciliationResult, Is.Empty);
        }
    }

    [Test]
    public async Task ScheduleReconciliationAsync_ResponderPoolFull_RetriesUntilSlotFreesThenSucceeds()
    {
        var missing = TransactionId.Random(new Random(4));
        var localGraph = new FakeLedgerGraph();
        localGraph.Add(B, []);
        var local = StartNode(Local, localGraph, o =>
        {
            o.RetryInitialDelay = TimeSpan.FromMilliseconds(20);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
        });
        var bGraph = new FakeLedgerGraph();
        bGraph.Add(Local, [missing]);
        var b = StartNode(B, bGraph, o => o.MaxNumberOfParallelReconciliationRequests = 1);
        var occupying = await b.GetRequiredService<IIncomingReconciliationAdmission>().TryAdmitAsync(C, CancellationToken.None);
        var scheduler = local.GetRequiredService<ReconciliationScheduler>();
        await scheduler.StartAsync();

        await scheduler.ScheduleAsync([B]);
        await EventuallyAsync(async () => (await local.GetRequiredService<IReconciliationJobQueries>().GetForPartyAsync(B)) is [{ Attempt: >= 2 }], "refused as busy twice");
        await occupying!.CompleteAsync(ReconciliationState.DifferencesNotFound, null, CancellationToken.None);

        var flows = local.GetRequiredService<ReconciliationFlows>();
        await EventuallyAsync(async () => (await flows.GetReconciliationStatusForPartyAsync(B, true))?.LastReconciliationStatus == ReconciliationState.DifferencesFound, "succeeded after retries");
        Assert.That((await flows.GetReconciliationStatusForPartyAsync(B, true))!.LastSuccessfulReconciliationResult, Is.EqualTo(new[] { missing }));
    }

    private ServiceProvider StartNode(PartyName party, ILedgerGraph graph, Action<LedgerSyncOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(graph);
        services.AddSingleton(_network.CreateTransport(party));
        services.AddLedgerSync(o =>
        {
            o.LocalParty = party;
            o.MaxNumberOfParallelReconciliationRequests = 3;
            configure?.Invoke(o);
        });
        var provider = services.BuildServiceProvider();
        _network.Register(party, provider.GetRequiredService<IInboundSessionHandler>());
        _nodes.Add(provider);
        return provider;
    }
}
