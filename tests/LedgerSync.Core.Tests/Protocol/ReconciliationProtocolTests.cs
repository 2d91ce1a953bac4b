using LedgerSync.Testing;
using LedgerSync.Transport;
using LedgerSync.Diagnostics;

namespace LedgerSync.Tests.Protocol;

public sealed class ReconciliationProtocolTests
{
    private const int TwoSidedSeeds = 120;

    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    private InMemoryNetwork _network = null!;

    [SetUp]
    public void SetUp() => _network = new InMemoryNetwork();

    [TearDown]
    public async Task TearDown()
    {
        await _network.WhenHandlersIdleAsync();
        Assert.That(_network.GetHandlerFaults(), Is.Empty, "a responder crashed");
        await _network.DisposeAsync();
    }

    [TestCase(0, 0)]
    [TestCase(100, 0)]
    [TestCase(100, 1)]
    [TestCase(1000, 10)]
    [TestCase(1000, 257)]
    [TestCase(50, 3000)]
    public async Task ReconcileAsync_OneSided_ReportsExactlyWhatTheResponderHasMore(int common, int missing)
    {
        var (a, b) = CreatePair();
        var random = new Random(common * 31 + missing);
        var shared = Ids(random, common);
        var onlyB = Ids(random, missing);
        a.Fake.Add(PartyB, shared);
        b.Fake.Add(PartyA, shared.Concat(onlyB));

        var result = await a.ReconcileAsync(PartyB);

        Assert.That(result.Missing, Is.EquivalentTo(onlyB));
        Assert.That(result.LocalOnlyCount, Is.Zero);
        Assert.That(result.State, Is.EqualTo(missing == 0 ? ReconciliationState.DifferencesNotFound : ReconciliationState.DifferencesFound));
    }

    [TestCase(500, 1, 1)]
    [TestCase(500, 40, 60)]
    [TestCase(2000, 700, 300)]
    [TestCase(0, 10, 10)]
    public async Task ReconcileAsync_TwoSided_ReportsMissingAndCountsLocalOnly(int common, int onlyBCount, int onlyACount)
    {
        var (a, b) = CreatePair();
        var random = new Random(common + onlyBCount * 7 + onlyACount);
        var shared = Ids(random, common);
        var onlyB = Ids(random, onlyBCount);
        var onlyA = Ids(random, onlyACount);
        a.Fake.Add(PartyB, shared.Concat(onlyA));
        b.Fake.Add(PartyA, shared.Concat(onlyB));

        var result = await a.ReconcileAsync(PartyB);

        Assert.That(result.Missing, Is.EquivalentTo(onlyB));
        Assert.That(result.LocalOnlyCount, Is.EqualTo(onlyACount));
        Assert.That(result.Exchanges, Is.LessThanOrEqualTo(a.Options.MaxNumberOfIbfFilterFlows));
    }

    [Test]
    public async Task ReconcileAsync_OneSidedOverManySeeds_UsesAtMostTwoExchangesInNinetyNinePercent()
    {
        var runs = 0;
        var withinTwo = 0;
        var withinThreeRoundTrips = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            await using var network = new InMemoryNetwork();
            var a = new ProtocolNode(network, PartyA);
            var b = new ProtocolNode(network, PartyB);
            var random = new Random(seed);
            var shared = Ids(random, 300);
            var d = seed % 4 == 0 ? random.Next(1, 5) : random.Next(1, 400);
            var onlyB = Ids(random, d);
            a.Fake.Add(PartyB, shared);
            b.Fake.Add(PartyA, shared.Concat(onlyB));

            var result = await a.ReconcileAsync(PartyB);

            Assert.That(result.Missing, Has.Count.EqualTo(d));
            runs++;
            withinTwo += result.Exchanges <= 2 ? 1 : 0;
            withinThreeRoundTrips += result.RoundTrips <= 3 ? 1 : 0;
        }

        Assert.That(withinTwo, Is.GreaterThanOrEqualTo(runs * 99 / 100));
        // Keys are random per run, so this rate varies: 197–200 of 200 observed for these small d (1–400), where the
        // decoder's need varies most; the 99% is not guaranteed at small one-sided d (see docs/protocol.md).
        Assert.That(withinThreeRoundTrips, Is.GreaterThanOrEqualTo(runs * 97 / 100), "round trips, hello and answer included");
    }

    [Test]
    public async Task ReconcileAsync_TwoSidedEqualSizesOverManySeeds_NeedsAtMostThreeRoundTripsInNearlyEveryRun()
    {
        // Equal set sizes tell nothing about d: the difference estimator sizes the second burst.
        var withinThree = await TwoSidedRunsWithinThreeRoundTripsAsync(1000, 300, 10, sizeGap: 0);

        // Keys are random per run: 119 of 120 observed (version 2 needed 3–10 round trips at these d).
        Assert.That(withinThree, Is.GreaterThanOrEqualTo(TwoSidedSeeds * 94 / 100), "round trips, hello and answer included");
    }

    [Test]
    public async Task ReconcileAsync_TwoSidedSizesOneApartOverManySeeds_NeedsAtMostThreeRoundTripsInNearlyEveryRun()
    {
        // Sizes one apart: the first round is symbol 0 alone, and the estimator comes with the credit, so the round the
        // requester sizes from it is the last of three round trips (without a margin, 79 of these 120 runs took 3).
        var withinThree = await TwoSidedRunsWithinThreeRoundTripsAsync(5000, 3000, 30, sizeGap: 1);

        Assert.That(withinThree, Is.GreaterThanOrEqualTo(TwoSidedSeeds * 95 / 100), "round trips, hello and answer included");
    }

    [Test]
    public async Task ReconcileAsync_SizesOneApartAtLargerD_TheLastRoundIsSizedCloseToWhatTheDecodingUsed()
    {
        // Sizes one apart at d = 301–1,401: the first round is symbol 0, the credit carries the responder's fine
        // estimator (640 bytes), and the requester sizes the last round from it. With the compact estimator and its
        // wider margin (×1.72) that round would be about 1.8 × the symbols the decoding used at these d (computed from
        // the margin); with the fine one it is about 1.3 ×.
        const int Runs = 40;
        var ratios = new List<double>();
        var withinThree = 0;
        for (var seed = 0; seed < Runs; seed++)
        {
            await using var network = new InMemoryNetwork();
            var a = new ProtocolNode(network, PartyA);
            var b = new ProtocolNode(network, PartyB);
            var random = new Random(9000 + seed);
            var shared = Ids(random, 3000);
            var half = random.Next(150, 700);
            var onlyA = Ids(random, half);
            var onlyB = Ids(random, half + 1);
            a.Fake.Add(PartyB, shared.Concat(onlyA));
            b.Fake.Add(PartyA, shared.Concat(onlyB));
            long lastRoundEnd = 0, symbolsUsed = 0;
            var fineEstimators = 0;
            network.SetInterceptor(m =>
            {
                var type = (LedgerSync.Protocol.ProtocolMessageType)m.Payload.Span[0];
                if (m.From == PartyA && type == LedgerSync.Protocol.ProtocolMessageType.Symbols)
                {
                    _ = ScriptedPeer.ReadSymbolsHeader(m.Payload.Span, out var roundEnd, out _);
                    lastRoundEnd = roundEnd;
                }
                else if (m.From == PartyB && type == LedgerSync.Protocol.ProtocolMessageType.Credit)
                {
                    _ = LedgerSync.Protocol.ProtocolCodec.DecodeCredit(m.Payload.Span, out var estimator);
                    fineEstimators += estimator.Length == LedgerSync.Sketches.DifferenceEstimator.FineEncodedSize ? 1 : 0;
                }
                else if (m.From == PartyB && type == LedgerSync.Protocol.ProtocolMessageType.Result)
                {
                    symbolsUsed = LedgerSync.Protocol.ProtocolCodec.DecodeResult(m.Payload.Span, out _).SymbolsUsed;
                }

                return InMemoryMessageFate.Deliver;
            });

            var result = await a.ReconcileAsync(PartyB);

            Assert.That(result.Missing, Is.EquivalentTo(onlyB));
            Assert.That(fineEstimators, Is.EqualTo(1), $"seed {seed}: the credit after symbol 0 carries the fine estimator");
            withinThree += result.RoundTrips <= 3 ? 1 : 0;
            if (result.RoundTrips == 3)
            {
                ratios.Add((double)lastRoundEnd / symbolsUsed);
            }
        }

        ratios.Sort();
        TestContext.Out.WriteLine($"{withinThree} of {Runs} within 3 round trips; last round / symbols used: p50 {ratios[ratios.Count / 2]:F2}, max {ratios[^1]:F2}");
        Assert.That(withinThree, Is.GreaterThanOrEqualTo(Runs * 95 / 100), "round trips, hello and answer included (keys are random per run: 1 in about 240 took 4)");
        Assert.That(ratios[ratios.Count / 2], Is.LessThan(1.5), "median of the last round over the symbols used (1.28–1.36 observed)");
    }

    [Test]
    public async Task ReconcileAsync_TwoSidedEqualSizesWithLatency_NeedsAtMostThreeRoundTripsWithTheEstimatorInTheAcceptance()
    {
        const int Runs = 10;
        _network.Latency = TimeSpan.FromMilliseconds(10);
        var (a, b) = CreatePair();
        var random = new Random(77);
        var shared = Ids(random, 2000);
        var onlyA = Ids(random, 1000);
        var onlyB = Ids(random, 1000);
        a.Fake.Add(PartyB, shared.Concat(onlyA));
        b.Fake.Add(PartyA, shared.Concat(onlyB));
        var estimates = 0;
        var acceptancesWithEstimator = 0;
        _network.SetInterceptor(m =>
        {
            if (m.From == PartyA && m.Payload.Span[0] == (byte)LedgerSync.Protocol.ProtocolMessageType.DifferenceEstimate)
            {
                Interlocked.Increment(ref estimates);
            }

            if (m.From == PartyB && m.Payload.Span[0] == (byte)LedgerSync.Protocol.ProtocolMessageType.Accepted
                && m.Payload.Length > LedgerSync.Sketches.DifferenceEstimator.EncodedSize + LedgerSync.Sketches.SketchKey.Size)
            {
                Interlocked.Increment(ref acceptancesWithEstimator);
            }

            return InMemoryMessageFate.Deliver;
        });

        var results = new List<LedgerSync.Protocol.ReconciliationResult>();
        for (var run = 0; run < Runs; run++)
        {
            results.Add(await a.ReconcileAsync(PartyB));
        }

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Missing), Has.All.EquivalentTo(onlyB));
            Assert.That(results.Count(r => r.RoundTrips is >= 2 and <= 3), Is.GreaterThanOrEqualTo(Runs - 1), "at most 3 round trips");
            Assert.That(acceptancesWithEstimator, Is.EqualTo(Runs), "equal sizes: the responder's estimator comes with every acceptance");
            Assert.That(estimates, Is.Zero, "and the requester's never travels");
        });
    }

    [TestCase(1)]
    [TestCase(300)]
    [TestCase(5000)]
    public async Task ReconcileAsync_OneSidedWithLatency_NeedsAtMostThreeRoundTrips(int d)
    {
        // Each run draws a fresh random sketch key, so the figures are a distribution: assert it over several runs.
        const int Runs = 12;
        _network.Latency = TimeSpan.FromMilliseconds(10);
        var (a, b) = CreatePair();
        var random = new Random(d);
        var shared = Ids(random, 2000);
        var onlyB = Ids(random, d);
        a.Fake.Add(PartyB, shared);
        b.Fake.Add(PartyA, shared.Concat(onlyB));

        var results = new List<LedgerSync.Protocol.ReconciliationResult>();
        for (var run = 0; run < Runs; run++)
        {
            results.Add(await a.ReconcileAsync(PartyB));
        }

        // The bytes that arrive after decoding depend on how fast this machine peels against the stream, so they are a
        // figure of the wire report (bytesAfterDecoded), not an assertion here: on a loaded CI machine all 12 runs once
        // went past 10 %.
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Missing), Has.All.EquivalentTo(onlyB));
            Assert.That(results.Count(r => r.RoundTrips is >= 1 and <= 3), Is.GreaterThanOrEqualTo(Runs - 1), "at most 3 round trips");
        });
    }

    [Test]
    public async Task ReconcileAsync_Always_CountsEveryByteOfEveryMessage()
    {
        var (a, b) = CreatePair();
        var random = new Random(5);
        var shared = Ids(random, 2000);
        a.Fake.Add(PartyB, shared);
        b.Fake.Add(PartyA, shared.Concat(Ids(random, 150)));

        var result = await a.ReconcileAsync(PartyB);
        await _network.WhenHandlersIdleAsync();

        Assert.That(result.BytesSent, Is.EqualTo(_network.GetTraffic(PartyA, PartyB).Bytes));
        Assert.That(result.BytesReceived, Is.EqualTo(_network.GetTraffic(PartyB, PartyA).Bytes));
        Assert.That(result.BytesReceived, Is.GreaterThan(150 * 32), "the full 32-byte ID of every missing transaction");
        Assert.That(result.BytesSent, Is.GreaterThan(150 * 10), "at least one 10-byte symbol per difference");
    }

    [Test]
    public async Task ReconcileAsync_MessageSizeSmall_SplitsSymbolsIntoManyMessages()
    {
        var (a, b) = CreatePair();
        _network.MaxMessageSize = 4096;
        a.Options.MaxMessageSize = 4096;
        b.Options.MaxMessageSize = 4096;
        var random = new Random(9);
        var shared = Ids(random, 500);
        var onlyB = Ids(random, 2000);
        a.Fake.Add(PartyB, shared);
        b.Fake.Add(PartyA, shared.Concat(onlyB));

        var result = await a.ReconcileAsync(PartyB);

        Assert.That(result.Missing, Is.EquivalentTo(onlyB));
        Assert.That(_network.GetTraffic(PartyB, PartyA).Messages, Is.GreaterThan(2000 * 32 / 4096), "the result's 32-byte IDs, split");
        Assert.That(_network.GetTraffic(PartyA, PartyB).Messages, Is.GreaterThan(2000 * 10 / 4096), "the requester's symbols, split");
    }

    [Test]
    public void ReconcileAsync_LimitBelowOneSymbol_ThrowsMaxMessageSizeExceeded()
    {
        var (a, b) = CreatePair();
        b.Options.MaxMessageSize = 30; // below the option's minimum of 4096: not even one symbol fits
        var random = new Random(10);
        b.Fake.Add(PartyA, Ids(random, 5));

        Assert.That(async () => await a.ReconcileAsync(PartyB),
            Throws.TypeOf<MaxMessageSizeExceededException>().With.Property(nameof(MaxMessageSizeExceededException.Limit)).EqualTo(30));
    }

    [Test]
    public async Task ReconcileAsync_ReportedIdAlreadyPresentLocally_IsNotReported()
    {
        var (a, b) = CreatePair();
        var random = new Random(3);
        var shared = Ids(random, 100);
        var onlyB = Ids(random, 5);
        a.Fake.Add(PartyB, shared);
        b.Fake.Add(PartyA, shared.Concat(onlyB));
        var other = PartyName.Parse("O=Other, L=Paris, C=FR");
        a.Fake.Add(other, [onlyB[0]]); // present here, but not relevant to B

        var result = await a.ReconcileAsync(PartyB);

        Assert.That(result.Missing, Is.EquivalentTo(onlyB.Skip(1)));
    }

    [Test]
    public async Task ReconcileAsync_TransactionRecordedAfterWarmUp_IsIncludedInTheNextRun()
    {
        var (a, b) = CreatePair();
        var random = new Random(4);
        var shared = Ids(random, 100);
        a.Fake.Add(PartyB, shared);
        b.Fake.Add(PartyA, shared);
        Assert.That((await a.ReconcileAsync(PartyB)).Missing, Is.Empty);

        var later = Ids(random, 3);
        b.Fake.Add(PartyA, later);
        var result = await a.ReconcileAsync(PartyB);

        Assert.That(result.Missing, Is.EquivalentTo(later));
        Assert.That(b.Encoders.IsWarm(PartyA), Is.True);
    }

    [Test]
    public async Task ReconcileAsync_Served_ResponderRecordsDifferencesNotFound()
    {
        var (a, b) = CreatePair();
        var ended = new List<ReconciliationState>();
        b.Telemetry.On<RunEndedArguments>((_, e) => ended.Add(e.Outcome));
        a.Fake.Add(PartyB, Ids(new Random(1), 10));
        b.Fake.Add(PartyA, Ids(new Random(2), 10));

        await a.ReconcileAsync(PartyB);
        await _network.WhenHandlersIdleAsync();

        Assert.That(ended, Is.EqualTo(new[] { ReconciliationState.DifferencesNotFound }));
        Assert.That(b.Outcomes.Single(), Is.SameAs(LedgerSync.Protocol.ResponderOutcome.Served));
    }

    [Test]
    public void ReconcileAsync_WithSelf_ThrowsReconciliationWithSelf()
    {
        var (a, _) = CreatePair();

        Assert.That(async () => await a.ReconcileAsync(PartyA), Throws.TypeOf<ReconciliationWithSelfException>());
    }

    [Test]
    public void ReconcileAsync_LocalGraphNotReady_ThrowsLedgerGraphNotReady()
    {
        var (a, _) = CreatePair();
        a.Fake.IsInitialized = false;

        Assert.That(async () => await a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerGraphNotReadyException>());
    }

    [Test]
    public void ReconcileAsync_UnreachablePeer_ThrowsLedgerSyncException()
    {
        var (a, _) = CreatePair();
        _network.Unregister(PartyB);

        Assert.That(async () => await a.ReconcileAsync(PartyB), Throws.InstanceOf<LedgerSyncException>());
    }

    internal static List<TransactionId> Ids(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => TransactionId.Random(random))];

    /// <summary>
    /// Runs <see cref="TwoSidedSeeds"/> two-sided reconciliations, each under a new random key, with half the
    /// differences on each side (one third of them small, below <paramref name="small"/>), B holding
    /// <paramref name="sizeGap"/> more; checks each result and returns how many took at most 3 round trips.
    /// </summary>
    private static async Task<int> TwoSidedRunsWithinThreeRoundTripsAsync(int seedBase, int sharedCount, int small, int sizeGap)
    {
        var withinThree = 0;
        for (var seed = 0; seed < TwoSidedSeeds; seed++)
        {
            await using var network = new InMemoryNetwork();
            var a = new ProtocolNode(network, PartyA);
            var b = new ProtocolNode(network, PartyB);
            var random = new Random(seedBase + seed);
            var shared = Ids(random, sharedCount);
            var half = seed % 3 == 0 ? random.Next(1, small) : random.Next(small, 1500);
            var onlyA = Ids(random, half);
            var onlyB = Ids(random, half + sizeGap);
            a.Fake.Add(PartyB, shared.Concat(onlyA));
            b.Fake.Add(PartyA, shared.Concat(onlyB));

            var result = await a.ReconcileAsync(PartyB);

            Assert.That(result.Missing, Is.EquivalentTo(onlyB));
            Assert.That(result.LocalOnlyCount, Is.EqualTo(half));
            withinThree += result.RoundTrips <= 3 ? 1 : 0;
        }

        TestContext.Out.WriteLine($"{withinThree} of {TwoSidedSeeds} runs within 3 round trips");
        return withinThree;
    }

    private (ProtocolNode A, ProtocolNode B) CreatePair() => (new ProtocolNode(_network, PartyA), new ProtocolNode(_network, PartyB));
}
