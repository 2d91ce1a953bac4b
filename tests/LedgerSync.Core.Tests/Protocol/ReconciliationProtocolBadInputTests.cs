using System.Collections.Concurrent;
using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Testing;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Protocol;

/// <summary>
/// Malformed, out-of-order and out-of-protocol messages of version 5, from either side: a scripted requester against the
/// real responder (<see cref="ScriptedRequester"/>), a scripted responder against the real requester
/// (<see cref="ScriptedPeer"/>), and faults injected in transit. Each must end in a typed error on both sides, a
/// failed run recorded with a clear message, nothing reported, and no hang.
/// </summary>
public sealed class ReconciliationProtocolBadInputTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);

    private InMemoryNetwork _network = null!;
    private ProtocolNode _a = null!;
    private ProtocolNode _b = null!;
    private List<TransactionId> _shared = null!;
    private List<TransactionId> _onlyB = null!;
    private ConcurrentQueue<RunEndedArguments> _aEnded = null!;
    private ConcurrentQueue<RunEndedArguments> _bEnded = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _a = new ProtocolNode(_network, PartyA, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(1));
        _b = new ProtocolNode(_network, PartyB, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(1));
        var random = new Random(7);
        _shared = ReconciliationProtocolTests.Ids(random, 200);
        _onlyB = ReconciliationProtocolTests.Ids(random, 300);
        _a.Fake.Add(PartyB, _shared);
        _b.Fake.Add(PartyA, _shared.Concat(_onlyB));
        var aEnded = _aEnded = new ConcurrentQueue<RunEndedArguments>();
        var bEnded = _bEnded = new ConcurrentQueue<RunEndedArguments>();
        _a.Telemetry.On<RunEndedArguments>((_, e) => aEnded.Enqueue(e));
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

    // ---- The responder against a scripted requester ----

    private static IEnumerable<TestCaseData> MalformedHellos()
    {
        var good = ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 200));
        yield return new TestCaseData(Array.Empty<byte>()).SetName("RespondAsync_EmptyHello_AbortsWithProtocolViolation");
        yield return new TestCaseData(good[..^1]).SetName("RespondAsync_TruncatedHello_AbortsWithProtocolViolation");
        yield return new TestCaseData(good.Concat(new byte[] { 0 }).ToArray()).SetName("RespondAsync_HelloWithTrailingBytes_AbortsWithProtocolViolation");
        yield return new TestCaseData(new byte[] { 99, 1, 2 }).SetName("RespondAsync_UnknownMessageType_AbortsWithProtocolViolation");
        yield return new TestCaseData(ProtocolCodec.EncodeCredit(10)).SetName("RespondAsync_CreditBeforeHello_AbortsWithProtocolViolation");
        yield return new TestCaseData(ProtocolCodec.EncodeSymbols(1, 0, [default])).SetName("RespondAsync_SymbolsBeforeHello_AbortsWithProtocolViolation");
        yield return new TestCaseData(new byte[] { (byte)ProtocolMessageType.Done }).SetName("RespondAsync_VersionThreeDoneBeforeHello_AbortsWithProtocolViolation");
        yield return new TestCaseData(new byte[] { 1, ProtocolCodec.CurrentVersion, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }).SetName("RespondAsync_HelloWithSetSizePastIntMaxValue_AbortsWithProtocolViolation");
    }

    [TestCaseSource(nameof(MalformedHellos))]
    public async Task RespondAsync_BadHello_AbortsAndEndsTheSession(byte[] hello)
    {
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.SendAsync(hello);

        var abort = await requester.ReadUntilAbortAsync();
        var rest = await requester.ReadTypesUntilEndAsync();

        Assert.That(abort.Code, Is.EqualTo(AbortCode.ProtocolViolation));
        Assert.That(rest, Is.Empty);
        await _network.WhenHandlersIdleAsync();
        var outcome = _b.Outcomes.Single();
        Assert.That(outcome.Error, Is.TypeOf<LedgerSyncProtocolException>());
        Assert.That(outcome.Admitted, Is.False, "a session without a valid hello takes no pool slot");
    }

    [Test]
    public async Task RespondAsync_UnknownVersion_RefusesWithItsOwnVersion()
    {
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.SendAsync([(byte)ProtocolMessageType.Hello, 7, 0xAA, 0xBB]);

        var reply = await requester.ReceiveAsync();

        var refused = ProtocolCodec.DecodeRefused(reply!.Value.Span);
        Assert.That((refused.Reason, refused.Limit), Is.EqualTo((RefusalReason.UnsupportedVersion, (long)ProtocolCodec.CurrentVersion)));
        Assert.That(await requester.ReceiveAsync(), Is.Null);
    }

    [Test]
    public async Task RespondAsync_SecondHelloAfterAcceptance_AbortsWithProtocolViolation()
    {
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(200);
        await requester.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 200)));

        var abort = await requester.ReadUntilAbortAsync();

        Assert.That(abort.Code, Is.EqualTo(AbortCode.ProtocolViolation));
        await AssertResponderFailedAsync("unexpected Hello");
    }

    private static IEnumerable<TestCaseData> SymbolStreamViolations()
    {
        static byte[] Symbols(long roundEnd, long first, int count) =>
            ProtocolCodec.EncodeSymbols(roundEnd, first, [.. Enumerable.Range(0, count).Select(i => ScriptedRequester.RandomSymbol(new Random(i)))]);
        var estimate = ProtocolCodec.EncodeDifferenceEstimate(new DifferenceEstimator());

        TestCaseData Case(string name, Func<long, byte[][]> messages, AbortCode code, string fragment) =>
            new TestCaseData(messages, (byte)code, fragment).SetName($"RespondAsync_{name}_AbortsWith{code}AndRecordsFailed");

        yield return Case("SymbolsNotFromIndexZero", _ => [Symbols(10, 1, 5)], AbortCode.ProtocolViolation, "the next expected index is 0");
        yield return Case("SymbolsDuplicated", _ => [Symbols(20, 0, 10), Symbols(20, 0, 10)], AbortCode.ProtocolViolation, "duplicated or out of order");
        yield return Case("SymbolsSkipAhead", _ => [Symbols(40, 0, 10), Symbols(40, 20, 10)], AbortCode.ProtocolViolation, "from index 20; the next expected index is 10");
        yield return Case("SymbolsPastTheirRoundEnd", _ => [Symbols(5, 0, 10)], AbortCode.ProtocolViolation, "past the end of their round");
        yield return Case("SymbolsPastTheRoundWithoutCredit", _ => [Symbols(10, 0, 10), Symbols(10, 10, 5)], AbortCode.ProtocolViolation, "go past the end of their round (10)");
        yield return Case("NextRoundBeforeTheCredit", _ => [Symbols(10, 0, 10), Symbols(11, 10, 1)], AbortCode.LimitExceeded, "opened round 2 to symbol 11");
        yield return Case("RoundEndMovedMidRound", _ => [Symbols(20, 0, 10), Symbols(30, 10, 10)], AbortCode.ProtocolViolation, "moved the end of round 1 from 20 to 30");
        yield return Case("FirstRoundPastTheCap", cap => [Symbols(cap + 1, 0, 10)], AbortCode.LimitExceeded, "at most");
        var firstBurst = SymbolFlowPolicy.FirstBurst(200, 500);
        yield return Case("FirstRoundPastTheFirstBurst", _ => [Symbols(firstBurst + 1, 0, 10)], AbortCode.LimitExceeded, $"opened round 1 to symbol {firstBurst + 1}; this run takes it to at least 1 and at most {firstBurst}");
        yield return Case("MoreSymbolsInOneMessageThanTheCap", cap => [Symbols(cap + 1, 0, (int)cap + 1)], AbortCode.ProtocolViolation, "more than the maximum");
        yield return Case("DifferenceEstimateAfterSymbols", _ => [Symbols(20, 0, 10), estimate], AbortCode.ProtocolViolation, "after its first symbols");
        yield return Case("DifferenceEstimateTwice", _ => [estimate, estimate], AbortCode.ProtocolViolation, "already exchanged");
        yield return Case("TruncatedDifferenceEstimate", _ => [estimate[..40]], AbortCode.ProtocolViolation, "Truncated");
        yield return Case("VersionThreeDone", _ => [Symbols(20, 0, 10), [(byte)ProtocolMessageType.Done]], AbortCode.ProtocolViolation, "unexpected Done");
        yield return Case("VersionThreeNextExchange", _ => [[(byte)ProtocolMessageType.NextExchange, 1, 10]], AbortCode.ProtocolViolation, "unexpected NextExchange");
        yield return Case("CreditFromTheRequester", _ => [ProtocolCodec.EncodeCredit(100)], AbortCode.ProtocolViolation, "unexpected Credit");
        yield return Case("ResultFromTheRequester", _ => [ProtocolCodec.EncodeResult(0, 0, 1, [])], AbortCode.ProtocolViolation, "unexpected Result");
    }

    [TestCaseSource(nameof(SymbolStreamViolations))]
    public async Task RespondAsync_SymbolStreamViolation_AbortsAndRecordsFailed(Func<long, byte[][]> messages, byte code, string fragment)
    {
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(200);
        try
        {
            foreach (var message in messages(requester.Cap))
            {
                await requester.SendAsync(message);
            }
        }
        catch (LedgerSyncException)
        {
            // The responder already ended the session; its abort is still readable.
        }

        var abort = await requester.ReadUntilAbortAsync();

        Assert.That(abort.Code, Is.EqualTo((AbortCode)code));
        Assert.That(abort.Reason, Does.Contain(fragment));
        await AssertResponderFailedAsync(fragment);
    }

    [Test]
    public async Task RespondAsync_NextRoundEndsBelowTheCredit_AbortsWithLimitExceeded()
    {
        var random = new Random(3);
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(200);
        await requester.SendSymbolsAsync(100, 100, _ => ScriptedRequester.RandomSymbol(random));
        var credit = ProtocolCodec.DecodeCredit((await requester.ReceiveAsync())!.Value.Span, out _);

        await requester.SendSymbolsAsync(credit - 1, credit - 1, _ => ScriptedRequester.RandomSymbol(random));
        var abort = await requester.ReadUntilAbortAsync();

        Assert.That(credit, Is.GreaterThan(100));
        Assert.That(abort.Code, Is.EqualTo(AbortCode.LimitExceeded));
        Assert.That(abort.Reason, Does.Contain($"opened round 2 to symbol {credit - 1}").And.Contain($"at least {credit}"));
        await AssertResponderFailedAsync("opened round 2");
    }

    [Test]
    public async Task RespondAsync_NextRoundPastACreditWithoutEstimator_AbortsWithLimitExceeded()
    {
        // The requester's estimator went first, so the credit sizes the next round exactly: the round may not go past it.
        var random = new Random(4);
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(200);
        await requester.SendAsync(ProtocolCodec.EncodeDifferenceEstimate(new DifferenceEstimator()));
        await requester.SendSymbolsAsync(100, 100, _ => ScriptedRequester.RandomSymbol(random));
        var answer = await requester.ReceiveAsync();
        var credit = ProtocolCodec.DecodeCredit(answer!.Value.Span, out var estimator);
        var withEstimator = !estimator.IsEmpty;

        await requester.SendSymbolsAsync(credit + 1, credit + 1, _ => ScriptedRequester.RandomSymbol(random));
        var abort = await requester.ReadUntilAbortAsync();

        Assert.That(withEstimator, Is.False, "the estimators were exchanged already");
        Assert.That(abort.Code, Is.EqualTo(AbortCode.LimitExceeded));
        Assert.That(abort.Reason, Does.Contain($"opened round 2 to symbol {credit + 1}").And.Contain($"at most {credit} symbols"));
        await AssertResponderFailedAsync("opened round 2");
    }

    [Test]
    public async Task RespondAsync_MoreRoundsThanAllowed_AsksForTheCapInTheLastRoundThenAbortsWithLimitExceeded()
    {
        _b.Options.MaxNumberOfIbfFilterFlows = 2;
        var random = new Random(5);
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(200);

        var answer = await requester.StreamRoundsAsync(50, _ => ScriptedRequester.RandomSymbol(random));

        Assert.That(requester.Credits, Is.EqualTo(new[] { requester.Cap }), "round 2 of 2 goes to the cap");
        var abort = ProtocolCodec.DecodeAbort(answer!.Value.Span);
        Assert.That(abort.Code, Is.EqualTo(AbortCode.LimitExceeded));
        Assert.That(abort.Reason, Does.Contain("in 2 round(s)").And.Contain("maxNumberOfIbfFilterFlows = 2"));
        await AssertResponderFailedAsync("maxNumberOfIbfFilterFlows");
    }

    [Test]
    public async Task RespondAsync_HonestSymbolsOfAnotherSetSize_AbortsWithProtocolViolation()
    {
        // The symbols are those of the requester's 200 transactions, but its hello said 199: they peel to empty, yet
        // the counts cannot agree with the announced size.
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(199);

        var answer = await requester.StreamRoundsAsync(requester.FirstBurst, requester.HonestSymbols(_shared));

        var abort = ProtocolCodec.DecodeAbort(answer!.Value.Span);
        Assert.That(abort.Code, Is.EqualTo(AbortCode.ProtocolViolation));
        Assert.That(abort.Reason, Does.Contain("announced 199 relevant transactions, but its coded symbols decode to 200"));
        await AssertResponderFailedAsync("decode to 200");
    }

    [Test]
    public async Task RespondAsync_HonestScriptedRequester_ReceivesExactlyTheMissingIds()
    {
        // The scripted requester is sound: with the honest symbols of its set it gets the honest result.
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(200);

        var answer = await requester.StreamRoundsAsync(SymbolFlowPolicy.FirstBurst(200, 500), requester.HonestSymbols(_shared));
        var ids = new List<TransactionId>();
        var (total, requesterOnly, used) = ProtocolCodec.DecodeResult(answer!.Value.Span, out var first);
        AddIds(ids, first);
        while (ids.Count < total && await requester.ReceiveAsync() is { } part)
        {
            AddIds(ids, ProtocolCodec.DecodeResultPart(part.Span));
        }

        await requester.Session.CompleteAsync();
        Assert.That(ids, Is.EquivalentTo(_onlyB));
        Assert.That((total, requesterOnly), Is.EqualTo((300L, 0L)));
        Assert.That(used, Is.InRange(300, requester.Next));
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single(), Is.SameAs(ResponderOutcome.Served));
    }

    [Test]
    public async Task RespondAsync_RequesterStalls_TimesOutAndRecordsTheParty()
    {
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(200);

        var types = await requester.ReadTypesUntilEndAsync();

        Assert.That(types, Is.EqualTo(new[] { ProtocolMessageType.Abort }), "after the acceptance, only the abort");
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single().Error,
            Is.TypeOf<PeerSessionTimeoutException>().With.Property(nameof(PeerSessionTimeoutException.Party)).EqualTo(PartyA));
        await AssertResponderFailedAsync("timed out", typeof(PeerSessionTimeoutException));
    }

    [Test]
    public async Task RespondAsync_RequesterStopsReading_TimesOutInsteadOfBlocking()
    {
        // The responder decodes an empty set against its 2,500 transactions and sends their IDs in 4 KiB messages,
        // far more than the session queues, to a requester that reads nothing.
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(12), 2000));
        _b.Options.MaxMessageSize = 4096;
        await using var requester = await ScriptedRequester.OpenAsync(_network, PartyA, PartyB);
        await requester.HelloAsync(0);
        var answer = await requester.StreamRoundsAsync(requester.FirstBurst, ScriptedRequester.EmptySet);
        Assert.That(ProtocolCodec.PeekType(answer!.Value.Span), Is.EqualTo(ProtocolMessageType.Result));

        using var cts = new CancellationTokenSource(NoHang);
        await _network.WhenHandlersIdleAsync(cts.Token);

        Assert.That(_b.Outcomes.Single().Error,
            Is.TypeOf<PeerSessionTimeoutException>().With.Property(nameof(PeerSessionTimeoutException.WaitingFor)).Contains("read"));
        await AssertResponderFailedAsync("read the messages already sent", typeof(PeerSessionTimeoutException));
    }

    // ---- The requester against a scripted responder ----

    [Test]
    public async Task ReconcileAsync_CreditBeforeTheRoundWasSent_ThrowsProtocolException()
    {
        // A first round of about 135,000 symbols: the credit comes after the first message.
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, 100_200, ct);
            while (peer.SymbolsReceived == 0 && await peer.ReceiveAsync(session, ct) is not null)
            {
            }

            await peer.SendOrDrainAsync(session, ProtocolCodec.EncodeCredit(peer.RoundEnd + 10), ct);
        });
        _network.Register(PartyB, peer);

        Assert.That(async () => await _a.ReconcileAsync(PartyB),
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("before round 1 was sent"));
        await AssertRequesterAbortedAsync(peer, AbortCode.ProtocolViolation);
        Assert.That(peer.SymbolsReceived, Is.LessThan(peer.RoundEnd));
    }

    private static IEnumerable<TestCaseData> BadCredits()
    {
        TestCaseData Case(string name, Func<long, long, byte[]> credit, AbortCode code, string fragment) =>
            new TestCaseData(credit, (byte)code, fragment).SetName($"ReconcileAsync_{name}_ThrowsAndAbortsWith{code}");

        // (round end, cap) → the credit.
        yield return Case("CreditToTheRoundEnd", (end, _) => ProtocolCodec.EncodeCredit(end), AbortCode.ProtocolViolation, "asked for symbols to");
        yield return Case("CreditBelowTheRoundEnd", (end, _) => ProtocolCodec.EncodeCredit(end - 1), AbortCode.ProtocolViolation, "asked for symbols to");
        yield return Case("CreditToZero", (_, _) => ProtocolCodec.EncodeCredit(0), AbortCode.ProtocolViolation, "asked for symbols to 0");
        yield return Case("CreditPastTheCap", (_, cap) => ProtocolCodec.EncodeCredit(cap + 1), AbortCode.LimitExceeded, "at most");
        yield return Case("CreditPastTheLongestPrefix", (_, _) => ProtocolCodec.EncodeCredit(RatelessEncoder.MaxPrefixLength + 1L), AbortCode.ProtocolViolation, "more than the maximum");
        yield return Case("CreditWithTruncatedEstimator", (end, _) => ProtocolCodec.EncodeCredit(end + 10, new byte[40]), AbortCode.ProtocolViolation, "Truncated");
        yield return Case("CreditWithVersionFourCompactEstimator", (end, _) => ProtocolCodec.EncodeCredit(end + 10, ScriptedPeer.SomeEstimator(2)), AbortCode.ProtocolViolation, "Truncated");
        yield return Case("SecondEstimatorAfterTheRequesters", (end, _) => ProtocolCodec.EncodeCredit(end + 10, ScriptedPeer.SomeFineEstimator(2)), AbortCode.ProtocolViolation, "second difference estimator");
        yield return Case("VersionThreeGranted", (_, _) => [(byte)ProtocolMessageType.Granted, 100, 0], AbortCode.ProtocolViolation, "unexpected Granted");
        yield return Case("VersionThreeDone", (_, _) => [(byte)ProtocolMessageType.Done], AbortCode.ProtocolViolation, "unexpected Done");
        yield return Case("SymbolsFromTheResponder", (end, _) => ProtocolCodec.EncodeSymbols(end, 0, [default]), AbortCode.ProtocolViolation, "unexpected Symbols");
    }

    [TestCaseSource(nameof(BadCredits))]
    public async Task ReconcileAsync_BadAnswerToARound_ThrowsAndAborts(Func<long, long, byte[]> credit, byte code, string fragment)
    {
        // 200 transactions here, 500 announced there: the requester's estimator goes before its first round.
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            var hello = await peer.AcceptAsync(session, 500, ct);
            if (await peer.ReadRoundAsync(session, ct))
            {
                await peer.SendOrDrainAsync(session, credit(peer.RoundEnd, SymbolFlowPolicy.SymbolCap(hello.SetSize, 500)), ct);
            }
        });
        _network.Register(PartyB, peer);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains(fragment));
        await AssertRequesterAbortedAsync(peer, (AbortCode)code);
    }

    [Test]
    public async Task ReconcileAsync_SecondEstimatorAfterTheAcceptance_ThrowsAndAbortsWithProtocolViolation()
    {
        // Equal sizes: the responder's estimator came with the acceptance (here the requester's own, so the first round
        // is one symbol); a credit may not bring another.
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            var sketch = new LocalSketch(peer.Key, ShortIds.Of(peer.Key, [.. _shared]), trackDifferences: true);
            var estimator = new byte[DifferenceEstimator.EncodedSize];
            sketch.Estimator!.WriteTo(estimator);
            await peer.AcceptAsync(session, 200, estimator, ct);
            if (await peer.ReadRoundAsync(session, ct))
            {
                await peer.SendOrDrainAsync(session, ProtocolCodec.EncodeCredit(peer.RoundEnd + 10, ScriptedPeer.SomeFineEstimator(2)), ct);
            }
        });
        _network.Register(PartyB, peer);

        Assert.That(async () => await _a.ReconcileAsync(PartyB),
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("second difference estimator"));
        await AssertRequesterAbortedAsync(peer, AbortCode.ProtocolViolation);
        Assert.That(peer.RoundEnds.Single(), Is.EqualTo(1), "the estimators agree: one symbol");
    }

    private static IEnumerable<TestCaseData> BadResults()
    {
        // (symbols sent, the 300 IDs missing there, an ID the requester holds) → the result messages.
        TestCaseData Case(string name, Func<long, TransactionId[], TransactionId, byte[][]> result, string fragment) =>
            new TestCaseData(result, fragment).SetName($"ReconcileAsync_{name}_ThrowsAndReportsNothing");

        yield return Case("ResultCountsDisagreeWithTheSizes", (sent, ids, _) => [ProtocolCodec.EncodeResult(299, 0, sent, ids.AsSpan(..299))], "does not match the set sizes");
        yield return Case("ResultRequesterOnlyDisagreesWithTheSizes", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 1, sent, ids)], "does not match the set sizes");
        yield return Case("ResultUsesMoreSymbolsThanSent", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent + 1, ids)], "this node sent");
        yield return Case("ResultUsesNoSymbols", (_, ids, _) => [ProtocolCodec.EncodeResult(300, 0, 0, ids)], "decoding with 0 symbols");
        yield return Case("ResultMoreDifferencesThanSymbolsUsed", (_, ids, _) => [ProtocolCodec.EncodeResult(300, 0, 299, ids)], "each takes a symbol of its own");
        yield return Case("ResultMoreIdsThanAnnounced", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, [.. ids, TransactionId.Random(new Random(1))])], "301 IDs of 300 announced");
        yield return Case("ResultPartPastTheAnnouncedIds", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, ids.AsSpan(..200)), ProtocolCodec.EncodeResultPart([.. ids.AsSpan(200..), ids[0]])], "more than the 300");
        yield return Case("ResultDuplicateId", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, [.. ids.AsSpan(..299), ids[5]])], "twice");
        yield return Case("ResultDuplicateIdAcrossParts", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, ids.AsSpan(..150)), ProtocolCodec.EncodeResultPart([.. ids.AsSpan(150..299), ids[0]])], "twice");
        yield return Case("ResultIdTheRequesterHolds", (sent, ids, held) => [ProtocolCodec.EncodeResult(300, 0, sent, [.. ids.AsSpan(..299), held])], "this node holds it");
        yield return Case("ResultTruncatedId", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, ids)[..^5]], "not a whole number");
        yield return Case("ResultPartTruncatedId", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, ids.AsSpan(..100)), ProtocolCodec.EncodeResultPart(ids.AsSpan(100..))[..^1]], "not a whole number");
        yield return Case("ResultPartWithoutIds", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, ids.AsSpan(..100)), ProtocolCodec.EncodeResultPart([])], "no IDs");
        yield return Case("SessionEndedMidResult", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, ids.AsSpan(..100))], "after 100 of the 300");
        yield return Case("AbortMidResult", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, ids.AsSpan(..100)), ProtocolCodec.EncodeAbort(AbortCode.Failed, "gone")], "abandoned the run: gone");
        yield return Case("CreditMidResult", (sent, ids, _) => [ProtocolCodec.EncodeResult(300, 0, sent, ids.AsSpan(..100)), ProtocolCodec.EncodeCredit(sent + 10)], "unexpected Credit message in its result");
    }

    [TestCaseSource(nameof(BadResults))]
    public async Task ReconcileAsync_BadResult_ThrowsAndReportsNothing(Func<long, TransactionId[], TransactionId, byte[][]> result, string fragment)
    {
        var missing = _onlyB.ToArray();
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, 500, ct);
            if (!await peer.ReadRoundAsync(session, ct))
            {
                return;
            }

            try
            {
                foreach (var message in result(peer.SymbolsReceived, missing, _shared[7]))
                {
                    await session.SendAsync(message, ct);
                }
            }
            catch (LedgerSyncException)
            {
                // The requester already gave up.
            }
        });
        _network.Register(PartyB, peer);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains(fragment));
        await _network.WhenHandlersIdleAsync();
        var ended = _aEnded.Single();
        Assert.That((ended.Outcome, ended.Differences), Is.EqualTo((ReconciliationState.Failed, 0)), "nothing reported");
        Assert.That(ended.Error, Does.Contain(fragment));
    }

    [Test]
    public async Task ReconcileAsync_ScriptedResultInParts_IsReported()
    {
        // The scripted responder is sound: an honest result in three messages is taken whole.
        var missing = _onlyB.ToArray();
        var peer = new ScriptedPeer(async (peer, session, ct) =>
        {
            await peer.AcceptAsync(session, 500, ct);
            await peer.ReadRoundAsync(session, ct);
            await session.SendAsync(ProtocolCodec.EncodeResult(300, 0, peer.SymbolsReceived, missing.AsSpan(..100)), ct);
            await session.SendAsync(ProtocolCodec.EncodeResultPart(missing.AsSpan(100..250)), ct);
            await peer.SendOrDrainAsync(session, ProtocolCodec.EncodeResultPart(missing.AsSpan(250..)), ct);
        });
        _network.Register(PartyB, peer);

        var result = await _a.ReconcileAsync(PartyB);

        Assert.That(result.Missing, Is.EquivalentTo(_onlyB));
        Assert.That(result.LocalOnlyCount, Is.Zero);
        await _network.WhenHandlersIdleAsync();
        Assert.That(peer.Abort, Is.Null);
        Assert.That(peer.RoundEnds, Is.EqualTo(new[] { SymbolFlowPolicy.FirstBurst(200, 500) }));
    }

    // ---- Faults in transit between the real requester and the real responder ----

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    public void ReconcileAsync_CorruptedResultHeader_ThrowsProtocolException(int index)
    {
        _network.SetInterceptor(m => m.From == PartyB && m.Payload.Span[0] == (byte)ProtocolMessageType.Result
            ? InMemoryMessageFate.Corrupt(m, index)
            : InMemoryMessageFate.Deliver);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void ReconcileAsync_TruncatedResult_ThrowsProtocolException()
    {
        _network.SetInterceptor(m => m.From == PartyB && m.Payload.Span[0] == (byte)ProtocolMessageType.Result
            ? InMemoryMessageFate.Truncate(m, m.Payload.Length - 5)
            : InMemoryMessageFate.Deliver);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("not a whole number"));
    }

    [Test]
    public async Task ReconcileAsync_TruncatedSymbols_ResponderAbortsAndTheRequesterThrows()
    {
        _network.SetInterceptor(m => m.From == PartyA && m.Payload.Span[0] == (byte)ProtocolMessageType.Symbols
            ? InMemoryMessageFate.Truncate(m, m.Payload.Length - 5)
            : InMemoryMessageFate.Deliver);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("abandoned the run"));
        await AssertResponderFailedAsync("Truncated");
    }

    [Test]
    public async Task ReconcileAsync_DuplicatedSymbols_ResponderAbortsOutOfOrder()
    {
        byte[]? first = null;
        _network.SetInterceptor(m =>
        {
            if (m.From != PartyA || m.Payload.Span[0] != (byte)ProtocolMessageType.Symbols)
            {
                return InMemoryMessageFate.Deliver;
            }

            if (first is null)
            {
                first = m.Payload.ToArray();
                return InMemoryMessageFate.Deliver;
            }

            return InMemoryMessageFate.Replace(first);
        });
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(8), 2000)); // a first round of several messages

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.InstanceOf<LedgerSyncException>());
        await AssertResponderFailedAsync("out of order");
    }

    [Test]
    public void ReconcileAsync_OversizedMessage_ThrowsProtocolException()
    {
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence == 1
            ? InMemoryMessageFate.Replace(new byte[_network.MaxMessageSize + 1])
            : InMemoryMessageFate.Deliver);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("maximum message size"));
    }

    [Test]
    public async Task ReconcileAsync_ResponderStalls_ThrowsTimeoutNamingThePartyAndTheWait()
    {
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence >= 1 ? InMemoryMessageFate.Stall : InMemoryMessageFate.Deliver);
        _b.Options.SessionTimeout = TimeSpan.FromSeconds(60); // the requester must be the one that times out

        var ex = Assert.ThrowsAsync<PeerSessionTimeoutException>(async () => await _a.ReconcileAsync(PartyB));

        Assert.That(ex!.Party, Is.EqualTo(PartyB));
        Assert.That(ex.WaitingFor, Does.Contain("the responder's answer"));
        using var cts = new CancellationTokenSource(NoHang);
        await _network.WhenHandlersIdleAsync(cts.Token);
        Assert.That(_b.Outcomes, Has.Count.EqualTo(1), "the responder ended too");
    }

    [Test]
    public async Task ReconcileAsync_SessionKilled_BothSidesEndWithTypedErrors()
    {
        // The requester's third message (hello, its estimator, then symbols) kills the session.
        _network.SetInterceptor(m => m.From == PartyA && m.Sequence == 2 ? InMemoryMessageFate.KillSession : InMemoryMessageFate.Deliver);
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(9), 2000));

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.InstanceOf<LedgerSyncException>());
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single().Error, Is.InstanceOf<LedgerSyncException>());
        Assert.That(_bEnded.Single().Outcome, Is.EqualTo(ReconciliationState.Failed));
    }

    [Test]
    public async Task ReconcileAsync_Cancelled_StopsBothSidesCleanly()
    {
        _network.Latency = TimeSpan.FromMilliseconds(100);
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(10), 5000));
        _a.Options.SessionTimeout = TimeSpan.FromSeconds(30);
        _b.Options.SessionTimeout = TimeSpan.FromSeconds(30);
        // One way takes 100 ms, so the acceptance cannot be back (let alone a result) when the requester cancels at 150 ms.
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        Assert.That(async () => await _a.ReconcileAsync(PartyB, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _network.WhenHandlersIdleAsync(wait.Token);
        Assert.That(_b.Outcomes.Single().Error, Is.InstanceOf<LedgerSyncException>());
    }

    /// <summary>The responder's run ended FAILED, with a typed error and a recorded message containing <paramref name="fragment"/>.</summary>
    private async Task AssertResponderFailedAsync(string fragment, Type? errorType = null)
    {
        using var cts = new CancellationTokenSource(NoHang);
        await _network.WhenHandlersIdleAsync(cts.Token);
        var outcome = _b.Outcomes.Single();
        Assert.That(outcome.Error, errorType is null ? (NUnit.Framework.Constraints.Constraint)Is.InstanceOf<LedgerSyncProtocolException>() : Is.TypeOf(errorType));
        Assert.That(outcome.Error!.Message, Does.Contain(fragment));
        var ended = _bEnded.Single();
        Assert.That(ended.Outcome, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(ended.Error, Does.Contain(fragment));
    }

    private async Task AssertRequesterAbortedAsync(ScriptedPeer peer, AbortCode code)
    {
        using var cts = new CancellationTokenSource(NoHang);
        await _network.WhenHandlersIdleAsync(cts.Token);
        Assert.That(peer.Abort?.Code, Is.EqualTo(code));
        var ended = _aEnded.Single();
        Assert.That((ended.Outcome, ended.Differences), Is.EqualTo((ReconciliationState.Failed, 0)));
    }

    private static void AddIds(List<TransactionId> ids, ReadOnlySpan<byte> bytes)
    {
        for (var at = 0; at < bytes.Length; at += TransactionId.Size)
        {
            ids.Add(new TransactionId(bytes.Slice(at, TransactionId.Size)));
        }
    }
}
