using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Testing;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LedgerSync.Tests.Protocol;

public sealed class ReconciliationProtocolRefusalTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly PartyName PartyC = PartyName.Parse("O=PartyC, L=Paris, C=FR");

    private InMemoryNetwork _network = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _time = new FakeTimeProvider();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _network.WhenHandlersIdleAsync();
        Assert.That(_network.GetHandlerFaults(), Is.Empty, "a responder crashed");
        await _network.DisposeAsync();
    }

    [Test]
    public async Task ReconcileAsync_ResponderPoolFull_ThrowsMaxIncomingSessionsExceeded()
    {
        var a = new ProtocolNode(_network, PartyA);
        var b = new ProtocolNode(_network, PartyB);
        b.UseAdmission(new FullAdmission());

        Assert.That(async () => await a.ReconcileAsync(PartyB),
            Throws.TypeOf<MaxIncomingSessionsExceededException>().With.Property(nameof(MaxIncomingSessionsExceededException.Party)).EqualTo(PartyB));
        await _network.WhenHandlersIdleAsync();
        Assert.That(b.Outcomes.Single().Refusal, Is.EqualTo(RefusalReason.Busy));
    }

    [Test]
    public async Task ReconcileAsync_RateLimitReached_ThrowsLimitExceededUntilTheWindowSlides()
    {
        var a = new ProtocolNode(_network, PartyA);
        var b = new ProtocolNode(_network, PartyB, timeProvider: _time, configure: o =>
        {
            o.MaxAllowedReconciliationRequestsPerTimeWindow = 2;
            o.TimeWindowForReconciliationRequestLimit = TimeSpan.FromHours(1);
        });
        await a.ReconcileAsync(PartyB);
        _time.Advance(TimeSpan.FromMinutes(10));
        await a.ReconcileAsync(PartyB);

        Assert.That(async () => await a.ReconcileAsync(PartyB),
            Throws.TypeOf<ReconciliationRequestLimitExceededException>()
                .With.Property(nameof(ReconciliationRequestLimitExceededException.Limit)).EqualTo(2)
                .And.Property(nameof(ReconciliationRequestLimitExceededException.Window)).EqualTo(TimeSpan.FromHours(1)));

        _time.Advance(TimeSpan.FromMinutes(56)); // the first request has left the window (to within one bucket)
        Assert.That(async () => await a.ReconcileAsync(PartyB), Throws.Nothing);
        GC.KeepAlive(b);
    }

    [Test]
    public void ReconcileAsync_RateLimitZero_RefusesEveryRequest()
    {
        var a = new ProtocolNode(_network, PartyA);
        _ = new ProtocolNode(_network, PartyB, configure: o => o.MaxAllowedReconciliationRequestsPerTimeWindow = 0);

        Assert.That(async () => await a.ReconcileAsync(PartyB), Throws.TypeOf<ReconciliationRequestLimitExceededException>());
    }

    [Test]
    public async Task ReconcileAsync_ResponderPoolFull_DoesNotUseUpTheRateLimit()
    {
        var a = new ProtocolNode(_network, PartyA);
        var b = new ProtocolNode(_network, PartyB, configure: o => o.MaxAllowedReconciliationRequestsPerTimeWindow = 1);
        b.UseAdmission(new FullAdmission());
        Assert.That(async () => await a.ReconcileAsync(PartyB), Throws.TypeOf<MaxIncomingSessionsExceededException>());

        b.UseAdmission(b.Admission);

        Assert.That(async () => await a.ReconcileAsync(PartyB), Throws.Nothing);
    }

    [TestCase(false, true)]
    [TestCase(true, false)]
    public void ReconcileAsync_ResponderGraphNotReady_ThrowsRefused(bool initialized, bool consistent)
    {
        var a = new ProtocolNode(_network, PartyA);
        var b = new ProtocolNode(_network, PartyB);
        b.Fake.IsInitialized = initialized;
        b.Fake.IsSelfConsistent = consistent;

        Assert.That(async () => await a.ReconcileAsync(PartyB),
            Throws.TypeOf<ReconciliationRefusedException>().With.Property(nameof(ReconciliationRefusedException.Party)).EqualTo(PartyB));
    }

    [Test]
    public async Task ReconcileAsync_RequesterConfiguredAsAnotherParty_IsServedOnlyWhatTheAuthenticatedPartyMaySee()
    {
        // Version 3 hellos carry no identity: the responder serves the party the transport authenticated, whatever
        // the requester believes it is.
        var b = new ProtocolNode(_network, PartyB);
        var forA = ReconciliationProtocolTests.Ids(new Random(1), 5);
        b.Fake.Add(PartyA, forA);
        b.Fake.Add(PartyC, ReconciliationProtocolTests.Ids(new Random(2), 20));
        var mallory = new ReconciliationInitiator(
            new FakeLedgerGraph(),
            new TestOptionsMonitor<LedgerSyncOptions>(new LedgerSyncOptions { LocalParty = PartyC }),
            TimeProvider.System,
            NullLogger<ReconciliationInitiator>.Instance,
            _network.CreateTransport(PartyA)); // the transport authenticates it as A
        var tracker = new LedgerSync.Diagnostics.ReconciliationRunRegistry(TimeProvider.System)
            .Start(Guid.NewGuid(), LedgerSync.Diagnostics.FlowNames.ReconcileWithParty, PartyB, LedgerSync.Diagnostics.ReconciliationRole.Requester);

        var result = await mallory.ReconcileAsync(new ReconciliationRequest(PartyB, tracker.RunId, tracker), default);

        Assert.That(result.Missing, Is.EquivalentTo(forA), "A's relevant set, never C's");
    }

    [Test]
    public async Task ReconcileAsync_TransactionsOfOtherParties_NeverShowUpInTheResult()
    {
        // B's real ledger graph: t0 (B, C) is in the back-chain of t1 (A, B); t2 (B, C) and t3 (B alone) do not involve A.
        var graphB = new LedgerGraph(new LedgerSyncOptions { LocalParty = PartyB });
        await graphB.InitializeAsync(new InMemoryTransactionSource());
        var random = new Random(11);
        var t0 = TransactionId.Random(random);
        var t1 = TransactionId.Random(random);
        var t2 = TransactionId.Random(random);
        var t3 = TransactionId.Random(random);
        graphB.Record(new TransactionMetadata(t0, [], [PartyB, PartyC]));
        graphB.Record(new TransactionMetadata(t1, [t0], [PartyA, PartyB]));
        graphB.Record(new TransactionMetadata(t2, [t0], [PartyB, PartyC]));
        graphB.Record(new TransactionMetadata(t3, [], [PartyB]));
        var graphA = new LedgerGraph(new LedgerSyncOptions { LocalParty = PartyA });
        await graphA.InitializeAsync(new InMemoryTransactionSource());
        var a = new ProtocolNode(_network, PartyA, graphA);
        _ = new ProtocolNode(_network, PartyB, graphB);

        var result = await a.ReconcileAsync(PartyB);

        Assert.That(result.Missing, Is.EquivalentTo(new[] { t0, t1 }));
        Assert.That(result.Missing, Does.Not.Contain(t2).And.Not.Contain(t3));
    }

    [Test]
    public async Task ReconcileAsync_AfterRun_NothingLeftOpen()
    {
        var a = new ProtocolNode(_network, PartyA);
        var b = new ProtocolNode(_network, PartyB);
        b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(2), 50));

        await a.ReconcileAsync(PartyB);
        await _network.WhenHandlersIdleAsync();

        Assert.That(_network.GetOpenSessionCount(), Is.Zero);
        Assert.That(a.Registry.Count + b.Registry.Count, Is.Zero);
    }
}
