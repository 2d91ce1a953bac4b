using System.Collections.Concurrent;
using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Testing;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Protocol;

/// <summary>
/// The hostile messages of the protocol issue, replayed in version 5's roles: forged set sizes, bit flips, a responder
/// that credits the whole cap again and again or round after round, a requester that streams random symbols to the
/// cap, peers that trickle or never answer, a second hello from a party already being answered, and peers of other
/// versions. Each must end in a typed error within a bounded time and memory, with nothing left open after the session.
/// </summary>
[Parallelizable(ParallelScope.None)] // the memory bounds are measured process-wide
public sealed class ReconciliationProtocolHostilePeerTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);

    private InMemoryNetwork _network = null!;
    private ProtocolNode _a = null!;
    private ProtocolNode _b = null!;
    private List<TransactionId> _onlyB = null!;
    private ConcurrentQueue<RunEndedArguments> _bEnded = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _a = new ProtocolNode(_network, PartyA, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(5));
        _b = new ProtocolNode(_network, PartyB, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(5));
        var random = new Random(17);
        var shared = ReconciliationProtocolTests.Ids(random, 1000);
        _onlyB = ReconciliationProtocolTests.Ids(random, 300);
        _a.Fake.Add(PartyB, shared);
        _b.Fake.Add(PartyA, shared.Concat(_onlyB));
        var bEnded = _bEnded = new ConcurrentQueue<RunEndedArguments>();
        _b.Telemetry.On<RunEndedArguments>((_, e) => bEnded.Enqueue(e));
    }

    [TearDown]
    public async Task TearDown()
    {
        using var cts = new CancellationTokenSource(NoHang);
        await _network.WhenHandlersIdleAsync(cts.Token); // no hang
        Assert.That(_network.GetHandlerFaults(), Is.Empty, "a responder crashed");
        Assert.That(_network.GetOpenSessionCount(), Is.Zero, "a session was left open");
        Assert.That(_a.Registry.Count + _b.Registry.Count, Is.Zero, "a run was left in the registry");
        await _network.DisposeAsync();
    }

    // ---- The requester against a hostile responder ----

    [TestCase(int.MaxValue)]
    [TestCase(SymbolFlowPolicy.MaxDecodableDifferences + 1001)]
    public async Task ReconcileAsync_AcceptedAnnouncesHugeSet_ThrowsBeforeAllocating(long announced)
    {
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, announced, ct);
            await peer.DrainAsync(session, ct);
        });
        _network.Register(PartyB, peer);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = Assert.ThrowsAsync<LedgerSyncProtocolException>(async () => await _a.ReconcileAsync(PartyB));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Out.WriteLine($"{allocated} bytes allocated");
        Assert.That(ex!.Message, Does.Contain("more than one run can decode"));
        Assert.That(allocated, Is.LessThan(4L << 20), "one 31-byte message allocated 43 MiB in version 1");
        await _network.WhenHandlersIdleAsync();
        Assert.That(peer.Abort?.Code, Is.EqualTo(AbortCode.LimitExceeded));
        Assert.That(peer.Received, Is.EqualTo(new[] { ProtocolMessageType.Hello, ProtocolMessageType.Abort }), "no symbols");
    }

    [Test]
    public async Task ReconcileAsync_AcceptedAnnouncesLargestDecodableSet_StreamsItsRoundWithinItsWindow()
    {
        // Decodable sizes whose first round is 62 million symbols (2.5 GB as a prefix): the requester computes them a
        // window at a time as it sends them, so a responder that stops it after 20,000 costs it only those.
        var announced = 1000 + SymbolFlowPolicy.MaxDecodableDifferences;
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, announced, ct);
            while (peer.SymbolsReceived < 20_000 && await peer.ReceiveAsync(session, ct) is not null)
            {
            }

            await peer.SendOrDrainAsync(session, ProtocolCodec.EncodeAbort(AbortCode.Failed, "enough"), ct);
        });
        _network.Register(PartyB, peer);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = Assert.ThrowsAsync<LedgerSyncProtocolException>(async () => await _a.ReconcileAsync(PartyB));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Out.WriteLine($"{allocated} bytes allocated");
        Assert.That(ex!.Message, Does.Contain("abandoned the run: enough"));
        await _network.WhenHandlersIdleAsync();
        Assert.That(peer.RoundEnds, Is.EqualTo(new[] { SymbolFlowPolicy.FirstBurst(1000, announced) }));
        Assert.That(peer.RoundEnds[0], Is.GreaterThan(60_000_000));
        Assert.That(allocated, Is.LessThan(16L << 20), "the requester computed symbols it never sent");
    }

    [TestCase(1300, true, "though its set size (1300) differs")]
    [TestCase(1000, false, "without its difference estimator")]
    public async Task ReconcileAsync_AcceptedEstimatorDisagreesWithTheSizes_ThrowsProtocolException(long announced, bool withEstimator, string fragment)
    {
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, announced, withEstimator ? ScriptedPeer.SomeEstimator(3) : null, ct);
            await peer.DrainAsync(session, ct);
        });
        _network.Register(PartyB, peer);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains(fragment));
        await _network.WhenHandlersIdleAsync();
        Assert.That(peer.Abort?.Code, Is.EqualTo(AbortCode.ProtocolViolation));
        Assert.That(peer.SymbolsReceived, Is.Zero);
    }

    [Test]
    public async Task ReconcileAsync_BitFlipInAcceptedSetSize_EveryBitEndsInTypedErrorWithinBoundedMemory()
    {
        // The acceptance: type, version, 16-byte key, then the set size (1,300 = two varint bytes) at offsets 18 and 19,
        // and no estimator (the sizes differ). The responder decodes the true difference; the requester checks the
        // result's counts against the sizes it was told.
        for (var bit = 0; bit < 16; bit++)
        {
            var offset = 18 + (bit / 8);
            var mask = (byte)(1 << (bit % 8));
            _network.SetInterceptor(m =>
            {
                if (m.From != PartyB || m.Sequence != 0 || m.Payload.Length <= offset)
                {
                    return InMemoryMessageFate.Deliver;
                }

                var bytes = m.Payload.ToArray();
                bytes[offset] ^= mask;
                return InMemoryMessageFate.Replace(bytes);
            });
            var before = GC.GetTotalAllocatedBytes(precise: true);

            // A protocol error, or the responder's abort of a round longer than the true sizes allow.
            Assert.That(async () => await _a.ReconcileAsync(PartyB),
                Throws.InstanceOf<LedgerSyncException>().And.Not.InstanceOf<MaxIncomingSessionsExceededException>(), $"bit {bit}");
            using var cts = new CancellationTokenSource(NoHang);
            await _network.WhenHandlersIdleAsync(cts.Token);

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            TestContext.Out.WriteLine($"bit {bit}: {allocated} bytes allocated");
            Assert.That(allocated, Is.LessThan(16L << 20), $"bit {bit}: one bit flip allocated 24 GB in version 1");
        }

        Assert.That(_b.Outcomes, Has.Count.EqualTo(16), "every run reached the responder");
    }

    [Test]
    public async Task ReconcileAsync_ResponderCreditsTheWholeCapAgainAndAgain_StreamsItThroughAWindowThenRefuses()
    {
        // A responder that announces a million more transactions and, after the first round, credits the whole cap
        // (2 million symbols, 80 MB as a prefix), then asks for it again. The requester streams it a window at a time:
        // its live memory stays flat while the symbols go by, and it refuses the second ask.
        const long More = 1_000_000;
        var announced = 1000 + More;
        var cap = SymbolFlowPolicy.SymbolCap(1000, announced);
        long baseline = 0;
        long midStream = 0;
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, announced, ct);
            if (!await peer.ReadRoundAsync(session, ct))
            {
                return;
            }

            await session.SendAsync(ProtocolCodec.EncodeCredit(cap), ct);
            var threeQuarters = peer.SymbolsReceived + ((cap - peer.SymbolsReceived) * 3 / 4);
            while (peer.SymbolsReceived < cap && await peer.ReceiveAsync(session, ct) is not null)
            {
                if (midStream == 0 && peer.SymbolsReceived >= threeQuarters)
                {
                    midStream = GC.GetTotalMemory(forceFullCollection: true);
                }
            }

            await peer.SendOrDrainAsync(session, ProtocolCodec.EncodeCredit(cap), ct);
        });
        _network.Register(PartyB, peer);
        baseline = GC.GetTotalMemory(forceFullCollection: true);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        Assert.That(async () => await _a.ReconcileAsync(PartyB),
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains($"asked for symbols to {cap}; this node sent {cap}"));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        await _network.WhenHandlersIdleAsync();
        Assert.That(peer.SymbolsReceived, Is.EqualTo(cap));
        Assert.That(peer.RoundEnds, Is.EqualTo(new[] { SymbolFlowPolicy.FirstBurst(1000, announced), cap }));
        Assert.That(peer.Abort?.Code, Is.EqualTo(AbortCode.ProtocolViolation));
        var prefixBytes = cap * System.Runtime.CompilerServices.Unsafe.SizeOf<CodedSymbol>();
        TestContext.Out.WriteLine($"{cap} symbols: live heap +{midStream - baseline} bytes mid-stream, {allocated} bytes allocated; the prefix would be {prefixBytes}");
        Assert.That(midStream, Is.Positive, "the live heap was measured mid-stream");
        Assert.That(midStream - baseline, Is.LessThan(prefixBytes / 8), "the requester held the symbols it had sent");
        Assert.That(allocated, Is.LessThan(cap * 48), "the wire's own bytes, not the prefix");
    }

    [Test]
    public async Task ReconcileAsync_ResponderCreditsRoundAfterRound_RefusesTheRoundPastTheLimit()
    {
        // One more symbol per round, for ever: the requester takes maxNumberOfIbfFilterFlows rounds and refuses the next.
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, 1300, ct);
            while (await peer.ReadRoundAsync(session, ct))
            {
                await session.SendAsync(ProtocolCodec.EncodeCredit(peer.RoundEnd + 1), ct);
            }

            await peer.DrainAsync(session, ct);
        });
        _network.Register(PartyB, peer);

        Assert.That(async () => await _a.ReconcileAsync(PartyB),
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("at most 5 are allowed (maxNumberOfIbfFilterFlows)"));
        await _network.WhenHandlersIdleAsync();
        var first = SymbolFlowPolicy.FirstBurst(1000, 1300);
        Assert.That(peer.RoundEnds, Is.EqualTo(new[] { first, first + 1, first + 2, first + 3, first + 4 }));
        Assert.That(peer.Abort?.Code, Is.EqualTo(AbortCode.LimitExceeded));
    }

    [Test]
    public async Task ReconcileAsync_ResponderNeverAnswers_StreamsOnlyItsFirstRoundThenTimesOut()
    {
        _a.Options.SessionTimeout = TimeSpan.FromMilliseconds(500);
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, 1300, ct);
            await peer.DrainAsync(session, ct);
        });
        _network.Register(PartyB, peer);

        var ex = Assert.ThrowsAsync<PeerSessionTimeoutException>(async () => await _a.ReconcileAsync(PartyB));

        Assert.That(ex!.WaitingFor, Does.Contain("answer to round 1"));
        await _network.WhenHandlersIdleAsync();
        Assert.That(peer.RoundEnds, Is.EqualTo(new[] { SymbolFlowPolicy.FirstBurst(1000, 1300) }));
        Assert.That(peer.SymbolsReceived, Is.EqualTo(SymbolFlowPolicy.FirstBurst(1000, 1300)), "nothing past the round without credit");
        Assert.That(peer.RequesterEstimator, Has.Length.EqualTo(DifferenceEstimator.EncodedSize), "the sizes differ by 300: the requester's estimator went first");
    }

    [Test]
    public async Task ReconcileAsync_ResponderTrickles_EndsAtTheDeadlineWithTypedError()
    {
        // One ID of the result every 0.8 session timeouts: never silent long enough to time out, never finished.
        _a.Options.SessionTimeout = TimeSpan.FromSeconds(1);
        _a.Options.MaxReconciliationDuration = TimeSpan.FromSeconds(2);
        var missing = _onlyB.ToArray();
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, 1300, ct);
            if (!await peer.ReadRoundAsync(session, ct))
            {
                return;
            }

            try
            {
                await session.SendAsync(ProtocolCodec.EncodeResult(300, 0, peer.SymbolsReceived, missing.AsSpan(..1)), ct);
                for (var i = 1; i < missing.Length; i++)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(800), ct);
                    await session.SendAsync(ProtocolCodec.EncodeResultPart(missing.AsSpan(i, 1)), ct);
                }
            }
            catch (LedgerSyncException)
            {
                // The requester gave up and closed the session.
            }

            await peer.DrainAsync(session, ct);
        });
        _network.Register(PartyB, peer);
        var clock = Stopwatch.StartNew();

        var ex = Assert.ThrowsAsync<ReconciliationDeadlineExceededException>(async () => await _a.ReconcileAsync(PartyB));

        Assert.That(ex!.Party, Is.EqualTo(PartyB));
        Assert.That(ex.Limit, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(clock.Elapsed, Is.LessThan(NoHang));
        using var cts = new CancellationTokenSource(NoHang);
        await _network.WhenHandlersIdleAsync(cts.Token);
        Assert.That(peer.Abort?.Reason, Does.Contain("maxReconciliationDuration"));
    }

    private static IEnumerable<TestCaseData> OtherVersionAnswers()
    {
        // A version-1 acceptance: type, version 1, key, set size, initial credit, symbol cap.
        byte[] v1 = [(byte)ProtocolMessageType.Accepted, 1, .. new byte[16], 0xE8, 0x07, 1, 0xC8, 0x3E];
        var v3 = ProtocolCodec.EncodeAccepted(new AcceptedMessage(3, SketchKey.FromRandom(new Random(2)), 1300));
        var v4 = ProtocolCodec.EncodeAccepted(new AcceptedMessage(4, SketchKey.FromRandom(new Random(2)), 1300, ScriptedPeer.SomeEstimator(1)));
        var v6 = ProtocolCodec.EncodeAccepted(new AcceptedMessage(6, SketchKey.FromRandom(new Random(2)), 1300, ScriptedPeer.SomeEstimator(1)));
        yield return new TestCaseData(v1, 1).SetName("ReconcileAsync_VersionOneAcceptance_ThrowsUnsupportedProtocolVersion");
        yield return new TestCaseData(v3, 3).SetName("ReconcileAsync_VersionThreeAcceptance_ThrowsUnsupportedProtocolVersion");
        yield return new TestCaseData(v4, 4).SetName("ReconcileAsync_VersionFourAcceptance_ThrowsUnsupportedProtocolVersion");
        yield return new TestCaseData(v6, 6).SetName("ReconcileAsync_VersionSixAcceptance_ThrowsUnsupportedProtocolVersion");
        yield return new TestCaseData(ProtocolCodec.EncodeRefused(new RefusedMessage(RefusalReason.UnsupportedVersion, 1)), 1)
            .SetName("ReconcileAsync_VersionOneResponderRefuses_ThrowsUnsupportedProtocolVersion");
        yield return new TestCaseData(ProtocolCodec.EncodeRefused(new RefusedMessage(RefusalReason.UnsupportedVersion, 3)), 3)
            .SetName("ReconcileAsync_VersionThreeResponderRefuses_ThrowsUnsupportedProtocolVersion");
        yield return new TestCaseData(ProtocolCodec.EncodeRefused(new RefusedMessage(RefusalReason.UnsupportedVersion, 4)), 4)
            .SetName("ReconcileAsync_VersionFourResponderRefuses_ThrowsUnsupportedProtocolVersion");
    }

    [TestCaseSource(nameof(OtherVersionAnswers))]
    public async Task ReconcileAsync_OtherVersionAnswer_ThrowsUnsupportedProtocolVersion(byte[] answer, int version)
    {
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.ReadHelloAsync(session, ct);
            await peer.SendOrDrainAsync(session, answer, ct);
        });
        _network.Register(PartyB, peer);

        var ex = Assert.ThrowsAsync<UnsupportedProtocolVersionException>(async () => await _a.ReconcileAsync(PartyB));

        Assert.That((ex!.PeerVersion, ex.LocalVersion, ex.Party), Is.EqualTo((version, ProtocolCodec.CurrentVersion, PartyB)));
        await _network.WhenHandlersIdleAsync();
        Assert.That(peer.SymbolsReceived, Is.Zero);
    }

    [Test]
    public async Task ReconcileAsync_TransportNeverConnects_WaitsOnConnectingThenEndsAtTheDeadline()
    {
        var transport = new NeverConnectingTransport();
        var options = new LedgerSyncOptions { LocalParty = PartyA, MaxReconciliationDuration = TimeSpan.FromSeconds(1) };
        var initiator = new ReconciliationInitiator(
            _a.Graph, new TestOptionsMonitor<LedgerSyncOptions>(options), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ReconciliationInitiator>.Instance, transport);
        using var tracker = _a.Registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyB, ReconciliationRole.Requester);

        var run = initiator.ReconcileAsync(new ReconciliationRequest(PartyB, tracker.RunId, tracker), CancellationToken.None);
        await transport.Opening.Task.WaitAsync(NoHang);
        var waiting = tracker.Snapshot();

        Assert.That(waiting.WaitingOn, Is.EqualTo(RunWaitReason.Connecting));
        Assert.That(waiting.Stages[^1].Stage, Does.StartWith($"connecting to {PartyB}"));
        Assert.That(async () => await run.WaitAsync(NoHang), Throws.TypeOf<ReconciliationDeadlineExceededException>());
        Assert.That(tracker.CurrentWait, Is.EqualTo(RunWaitReason.None));
    }

    [Test]
    public async Task ReconcileAsync_ResponderAlreadyAnsweringThisNode_ThrowsIncomingReconciliationInProgress()
    {
        await using (var held = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB))
        {
            await held.HelloAsync(1000);

            var ex = Assert.ThrowsAsync<IncomingReconciliationInProgressException>(async () => await _a.ReconcileAsync(PartyB));

            Assert.That(ex, Is.InstanceOf<MaxIncomingSessionsExceededException>(), "the scheduler retries it like busy");
            Assert.That(ex!.Party, Is.EqualTo(PartyB));
            await held.SendAsync(ProtocolCodec.EncodeAbort(AbortCode.Failed, "the test ends the held run"));
        }

        await _network.WhenHandlersIdleAsync();

        var retried = await _a.ReconcileAsync(PartyB);
        Assert.That(retried.Missing, Is.EquivalentTo(_onlyB), "once the first run ended, the party is answered again");
    }

    // ---- The responder against a hostile requester ----

    [TestCase(int.MaxValue)]
    [TestCase(1300 + SymbolFlowPolicy.MaxDecodableDifferences + 1)]
    public async Task RespondAsync_HelloAnnouncesHugeSet_AbortsWithLimitExceededWithoutDecoding(long announced)
    {
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await requester.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, announced)));

        var reply = await requester.ReceiveAsync();
        var rest = await requester.ReadTypesUntilEndAsync();

        await _network.WhenHandlersIdleAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Out.WriteLine($"{allocated} bytes allocated");
        Assert.That(ProtocolCodec.DecodeAbort(reply!.Value.Span).Code, Is.EqualTo(AbortCode.LimitExceeded), "no acceptance, no decoding");
        Assert.That(rest, Is.Empty);
        Assert.That(allocated, Is.LessThan(8L << 20));
        Assert.That(_b.Outcomes.Single().Error, Is.TypeOf<LedgerSyncProtocolException>());
        var ended = _bEnded.Single();
        Assert.That(ended.Outcome, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(ended.Error, Does.Contain("more than one run can decode"));
    }

    [Test]
    public async Task RespondAsync_HelloAnnouncesLargestDecodableSet_DecodesOnlyAsFarAsSymbolsArrive()
    {
        // The first round of this run may be 62 million symbols (2.5 GB of local symbols): the responder computes its
        // side only as the requester's symbols arrive.
        var random = new Random(19);
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await requester.HelloAsync(1300 + SymbolFlowPolicy.MaxDecodableDifferences);

        await requester.SendSymbolsAsync(requester.FirstBurst, 4096, _ => ScriptedRequester.RandomSymbol(random));
        await requester.SendAsync(ProtocolCodec.EncodeAbort(AbortCode.Failed, "enough"));
        await requester.ReadTypesUntilEndAsync();

        await _network.WhenHandlersIdleAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Out.WriteLine($"{allocated} bytes allocated");
        Assert.That(requester.Cap, Is.EqualTo(RatelessEncoder.MaxPrefixLength));
        Assert.That(requester.FirstBurst, Is.GreaterThan(60_000_000), "a round of 2.5 GB of local symbols");
        Assert.That(_b.Outcomes.Single().Error!.Message, Does.Contain("abandoned the run: enough"));
        Assert.That(allocated, Is.LessThan(16L << 20), "the responder computed symbols that never came");
    }

    [Test]
    public async Task RespondAsync_RequesterStreamsRandomSymbolsToTheCap_AbortsWithinTwiceTheHonestMemory()
    {
        // Honest reference: the same two set sizes (1,000 there, 1,300 here) at their largest difference (disjoint sets).
        var random = new Random(23);
        long honestBytes;
        await using (var honestNetwork = new InMemoryNetwork())
        {
            var a = new ProtocolNode(honestNetwork, PartyA);
            var b = new ProtocolNode(honestNetwork, PartyB);
            a.Fake.Add(PartyB, ReconciliationProtocolTests.Ids(random, 1000));
            b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(random, 1300));
            var honestBefore = GC.GetTotalAllocatedBytes(precise: true);
            var honest = await a.ReconcileAsync(PartyB);
            await honestNetwork.WhenHandlersIdleAsync();
            honestBytes = GC.GetTotalAllocatedBytes(precise: true) - honestBefore;
            Assert.That((honest.Missing.Count, honest.LocalOnlyCount), Is.EqualTo((1300, 1000)));
        }

        var symbols = new Random(29);
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await requester.HelloAsync(1000);

        var answer = await requester.StreamRoundsAsync(SymbolFlowPolicy.FirstBurst(1000, 1300), _ => ScriptedRequester.RandomSymbol(symbols));

        await _network.WhenHandlersIdleAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var abort = ProtocolCodec.DecodeAbort(answer!.Value.Span);
        Assert.That(abort.Code, Is.EqualTo(AbortCode.LimitExceeded));
        Assert.That(requester.Next, Is.EqualTo(requester.Cap), "it streamed to the cap");
        TestContext.Out.WriteLine($"honest {honestBytes} bytes, hostile {allocated} bytes");
        Assert.That(allocated, Is.LessThan((2 * honestBytes) + (1L << 20)));
        Assert.That(clock.Elapsed, Is.LessThan(NoHang));
        Assert.That(_bEnded.Single().Error, Does.Contain("could not be decoded"));
    }

    [Test]
    public async Task RespondAsync_RequesterStreamsToTheCap_WarmEncoderIsTrimmedAfterTheSession()
    {
        var random = new Random(31);
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(random, 20_000)); // 21,300 here: warm prefix 1,024
        var grown = 0;
        long lastCredit;
        await using (var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB))
        {
            var accepted = await requester.HelloAsync(21_300);
            Assert.That(accepted.Estimator, Is.Not.Null, "equal sizes: the estimator comes with the acceptance");

            var answer = await requester.StreamRoundsAsync(1000, _ => ScriptedRequester.RandomSymbol(random), onCredit: end =>
            {
                if (end == requester.Cap)
                {
                    grown = _b.Encoders.Get(PartyA).PrefixLength;
                }
            });

            Assert.That(ProtocolCodec.DecodeAbort(answer!.Value.Span).Code, Is.EqualTo(AbortCode.LimitExceeded));
            Assert.That(requester.Credits, Has.Count.EqualTo(_b.Options.MaxNumberOfIbfFilterFlows - 1));
            lastCredit = requester.Credits[^1];
            Assert.That(lastCredit, Is.EqualTo(requester.Cap), "the last round allowed goes to the cap");
        }

        await _network.WhenHandlersIdleAsync();
        Assert.That(grown, Is.GreaterThan(WarmEncoder.TrimFactor * WarmEncoder.WarmPrefixLength(21_300)), "the run grew the prefix");
        Assert.That(_b.Encoders.Get(PartyA).PrefixLength, Is.EqualTo(WarmEncoder.WarmPrefixLength(21_300)));
        Assert.That(_b.Outcomes.Single().Error!.Message, Does.Contain($"from {lastCredit} coded symbols"));
    }

    [Test]
    public async Task RespondAsync_RequesterTrickles_EndsAtTheDeadlineAndRecordsFailed()
    {
        // One symbol every 0.8 session timeouts, of a first round of 466: never silent long enough to time out.
        _b.Options.SessionTimeout = TimeSpan.FromSeconds(1);
        _b.Options.MaxReconciliationDuration = TimeSpan.FromSeconds(2);
        var random = new Random(37);
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(1000);
        var clock = Stopwatch.StartNew();
        var reading = Task.Run(requester.ReadTypesUntilEndAsync);

        while (!reading.IsCompleted && clock.Elapsed < NoHang)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(800));
            if (!await requester.SendSymbolsAsync(requester.FirstBurst, requester.Next + 1, _ => ScriptedRequester.RandomSymbol(random)))
            {
                break;
            }
        }

        var types = await reading.WaitAsync(NoHang);
        await _network.WhenHandlersIdleAsync();
        Assert.That(types, Is.EqualTo(new[] { ProtocolMessageType.Abort }));
        Assert.That(_b.Outcomes.Single().Error, Is.TypeOf<ReconciliationDeadlineExceededException>());
        var ended = _bEnded.Single();
        Assert.That(ended.Outcome, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(ended.Error, Does.Contain("maxReconciliationDuration"));
        Assert.That(requester.Next, Is.GreaterThan(1), "it trickled for more than one session timeout");
    }

    [Test]
    public async Task RespondAsync_SecondHelloFromAPartyBeingAnswered_RefusedAsAlreadyResponding()
    {
        await using var first = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await first.HelloAsync(1000);

        await using var second = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await second.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 1000)));
        var refused = ProtocolCodec.DecodeRefused((await second.ReceiveAsync())!.Value.Span);

        Assert.That(refused.Reason, Is.EqualTo(RefusalReason.AlreadyResponding));
        Assert.That(await second.ReceiveAsync(), Is.Null);
        await first.SendAsync(ProtocolCodec.EncodeAbort(AbortCode.Failed, "the test ends the first run"));
        await first.ReadTypesUntilEndAsync();
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Select(o => o.Refusal), Is.EquivalentTo(new RefusalReason?[] { RefusalReason.AlreadyResponding, null }));
        Assert.That(_bEnded, Has.Count.EqualTo(1), "the refused hello took no pool slot");
    }

    private static IEnumerable<TestCaseData> OlderHellos()
    {
        var identity = System.Text.Encoding.UTF8.GetBytes(PartyA.ToString());
        yield return new TestCaseData(ProtocolCodec.EncodeHello(new HelloMessage(1, 1000))).SetName("RespondAsync_VersionOneHello_RefusesWithUnsupportedVersion");
        // A version-2 hello: type, version 2, the claimed identity (length-prefixed UTF-8), the set size.
        yield return new TestCaseData(new byte[] { (byte)ProtocolMessageType.Hello, 2, (byte)identity.Length }.Concat(identity).Concat(new byte[] { 0xE8, 0x07 }).ToArray())
            .SetName("RespondAsync_VersionTwoHelloWithClaimedIdentity_RefusesWithUnsupportedVersion");
        yield return new TestCaseData(ProtocolCodec.EncodeHello(new HelloMessage(3, 1000))).SetName("RespondAsync_VersionThreeHello_RefusesWithUnsupportedVersion");
        yield return new TestCaseData(ProtocolCodec.EncodeHello(new HelloMessage(4, 1000))).SetName("RespondAsync_VersionFourHello_RefusesWithUnsupportedVersion");
    }

    [TestCaseSource(nameof(OlderHellos))]
    public async Task RespondAsync_OlderVersionHello_RefusesWithUnsupportedVersion(byte[] hello)
    {
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.SendAsync(hello);

        var refused = ProtocolCodec.DecodeRefused((await requester.ReceiveAsync())!.Value.Span);

        Assert.That((refused.Reason, refused.Limit), Is.EqualTo((RefusalReason.UnsupportedVersion, (long)ProtocolCodec.CurrentVersion)));
        Assert.That(await requester.ReceiveAsync(), Is.Null);
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single().Refusal, Is.EqualTo(RefusalReason.UnsupportedVersion));
    }

    private sealed class NeverConnectingTransport : IPeerTransport
    {
        public TaskCompletionSource Opening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<IPeerSession> OpenSessionAsync(PartyName counterparty, CancellationToken cancellationToken = default)
        {
            Opening.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
