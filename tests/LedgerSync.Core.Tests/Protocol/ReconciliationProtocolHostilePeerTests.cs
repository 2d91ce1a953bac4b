using System.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Testing;
using LedgerSync.Transport;
using LedgerSync.Diagnostics;

namespace LedgerSync.Tests.Protocol;

/// <summary>
/// The hostile messages of the protocol-v2 issue, replayed: forged set sizes, huge credit, random-symbol streams, bit
/// flips, trickling peers, a second hello from a party already being answered, and version-1 peers. Each must end in a
/// typed error, within the memory an honest run of the same sizes needs, and without hanging.
/// </summary>
public sealed class ReconciliationProtocolHostilePeerTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);

    private InMemoryNetwork _network = null!;
    private ProtocolNode _a = null!;
    private ProtocolNode _b = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _a = new ProtocolNode(_network, PartyA, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(5));
        _b = new ProtocolNode(_network, PartyB, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(5));
        var random = new Random(17);
        var shared = ReconciliationProtocolTests.Ids(random, 1000);
        _a.Fake.Add(PartyB, shared);
        _b.Fake.Add(PartyA, shared.Concat(ReconciliationProtocolTests.Ids(random, 300)));
    }

    [TearDown]
    public async Task TearDown()
    {
        using var cts = new CancellationTokenSource(NoHang);
        await _network.WhenHandlersIdleAsync(cts.Token); // no hang
        Assert.That(_network.GetHandlerFaults(), Is.Empty, "a responder crashed");
        await _network.DisposeAsync();
    }

    [TestCase(int.MaxValue)]
    [TestCase(SymbolFlowPolicy.MaxDecodableDifferences + 1001)]
    public async Task ReconcileAsync_AcceptedAnnouncesHugeSet_ThrowsBeforeAllocating(long announced)
    {
        var peer = new ScriptedPeer(async (_, session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await session.SendAsync(ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, SketchKey.FromRandom(new Random(1)), announced)), ct);
            while (await session.ReceiveAsync(ct) is { } message)
            {
                Assert.That(ProtocolCodec.DecodeAbort(message.Span).Code, Is.EqualTo(AbortCode.LimitExceeded));
            }
        });
        _network.Register(PartyB, peer);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = Assert.ThrowsAsync<LedgerSyncProtocolException>(async () => await _a.ReconcileAsync(PartyB));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That(ex!.Message, Does.Contain("more than one run can decode"));
        Assert.That(allocated, Is.LessThan(4L << 20), "one 31-byte message allocated 43 MiB in version 1");
    }

    [Test]
    public async Task ReconcileAsync_AcceptedAnnouncesLargestDecodableSet_ComputesOnlyAheadOfSymbolsReceived()
    {
        // Decodable sizes whose first burst is the longest prefix there is (2^26 symbols, 3 GiB): the requester's local
        // sketch may run only a bounded way ahead of the symbols that actually arrive (600 here).
        var announced = 1000 + SymbolFlowPolicy.MaxDecodableDifferences;
        var symbols = new Random(31);
        var peer = new ScriptedPeer(async (_, session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await session.SendAsync(ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, SketchKey.FromRandom(new Random(3)), announced)), ct);
            for (var first = 0; first < 600; first += 300)
            {
                await session.SendAsync(ProtocolCodec.EncodeSymbols(first, [.. Enumerable.Range(0, 300).Select(_ => ScriptedPeer.RandomSymbol(symbols))]), ct);
            }
        });
        _network.Register(PartyB, peer);
        Assert.That(SymbolFlowPolicy.FirstBurst(1000, announced), Is.EqualTo(RatelessEncoder.MaxPrefixLength));
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var ex = Assert.ThrowsAsync<LedgerSyncProtocolException>(async () => await _a.ReconcileAsync(PartyB));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That(ex!.Message, Does.Contain("ended the session"));
        var allowance = ReconciliationInitiator.PrefixAllowance(600, 1000) * System.Runtime.CompilerServices.Unsafe.SizeOf<CodedSymbol>();
        Assert.That(allocated, Is.LessThan((4 * allowance) + (2L << 20)), "the sketch computed symbols that never came");
    }

    [Test]
    public async Task ReconcileAsync_ResponderStreamsRandomSymbols_FailsTypedWithinTwiceTheHonestMemory()
    {
        // Honest reference: the same two set sizes (1,000 each) at their largest possible difference (disjoint sets).
        var random = new Random(23);
        var honestNetwork = new InMemoryNetwork();
        await using (honestNetwork)
        {
            var a = new ProtocolNode(honestNetwork, PartyA);
            var b = new ProtocolNode(honestNetwork, PartyB);
            a.Fake.Add(PartyB, ReconciliationProtocolTests.Ids(random, 1000));
            b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(random, 1000));
            var honestBefore = GC.GetTotalAllocatedBytes(precise: true);
            var honest = await a.ReconcileAsync(PartyB);
            var honestBytes = GC.GetTotalAllocatedBytes(precise: true) - honestBefore;
            Assert.That(honest.Missing, Has.Count.EqualTo(1000));

            var symbols = new Random(29);
            var hostile = new ScriptedPeer(async (peer, session, ct) =>
            {
                await session.ReceiveAsync(ct);
                await session.SendAsync(ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, SketchKey.FromRandom(new Random(2)), 1000)), ct);
                await peer.ServeCreditAsync(session, 1, _ => ScriptedPeer.RandomSymbol(symbols), TimeSpan.Zero, 512, ct);
            });
            _network.Register(PartyB, hostile);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();

            var ex = Assert.ThrowsAsync<LedgerSyncProtocolException>(async () => await _a.ReconcileAsync(PartyB));

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.That(ex!.Message, Does.Contain("could not be decoded"));
            Assert.That(allocated, Is.LessThan((2 * honestBytes) + (1L << 20)));
            Assert.That(clock.Elapsed, Is.LessThan(NoHang));
        }
    }

    [Test]
    public async Task ReconcileAsync_BitFlipInAcceptedSetSize_EveryBitEndsInTypedErrorWithinHonestMemory()
    {
        // The acceptance: type, version, 16-byte key, then the set size (1,300 = two varint bytes) at offsets 18 and 19.
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

            Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.InstanceOf<LedgerSyncException>().And.Not.InstanceOf<MaxIncomingSessionsExceededException>(), $"bit {bit}");
            using var cts = new CancellationTokenSource(NoHang);
            await _network.WhenHandlersIdleAsync(cts.Token);

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.That(allocated, Is.LessThan(16L << 20), $"bit {bit}: one bit flip allocated 24 GB in version 1");
        }
    }

    [Test]
    public async Task RespondAsync_HelloAnnouncesHugeSet_AbortsWithoutStreaming()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, int.MaxValue)));

        var types = new List<ProtocolMessageType>();
        (AbortCode Code, string Reason)? abort = null;
        while (await session.ReceiveAsync() is { } message)
        {
            var type = ProtocolCodec.PeekType(message.Span);
            types.Add(type);
            if (type == ProtocolMessageType.Abort)
            {
                abort = ProtocolCodec.DecodeAbort(message.Span);
            }
        }

        await _network.WhenHandlersIdleAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That(types, Does.Not.Contain(ProtocolMessageType.Symbols), "version 1 streamed 2^26 symbols without credit");
        Assert.That(abort?.Code, Is.EqualTo(AbortCode.LimitExceeded));
        Assert.That(allocated, Is.LessThan(8L << 20));
        Assert.That(_b.Outcomes.Single().Error, Is.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public async Task RespondAsync_HelloWithoutCredit_StreamsOnlyTheFirstBurst()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 1300)));
        var accepted = ProtocolCodec.DecodeAccepted((await session.ReceiveAsync())!.Value.Span, PartyB);
        await session.SendAsync(ProtocolCodec.EncodeDone());

        long symbols = 0;
        while (await session.ReceiveAsync() is { } message)
        {
            if (ProtocolCodec.PeekType(message.Span) == ProtocolMessageType.Symbols)
            {
                symbols += ProtocolCodec.DecodeSymbols(message.Span, int.MaxValue, out _).Length;
            }
        }

        Assert.That(accepted.SetSize, Is.EqualTo(1300));
        Assert.That(symbols, Is.EqualTo(SymbolFlowPolicy.FirstBurst(1300, 1300)).And.EqualTo(1));
    }

    [Test]
    public async Task RespondAsync_RequesterPullsTheWholeCap_WarmEncoderIsTrimmedAfterTheSession()
    {
        var random = new Random(31);
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(random, 20_000)); // 21,300 here: warm prefix 1,024
        await using (var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB))
        {
            await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 21_300)));
            var accepted = ProtocolCodec.DecodeAccepted((await session.ReceiveAsync())!.Value.Span, PartyB);
            var cap = SymbolFlowPolicy.SymbolCap(21_300, accepted.SetSize);
            long granted = SymbolFlowPolicy.FirstBurst(21_300, accepted.SetSize), received = 0;
            for (var exchange = 1; received < cap; exchange++)
            {
                while (received < granted)
                {
                    received += ProtocolCodec.DecodeSymbols((await session.ReceiveAsync())!.Value.Span, int.MaxValue, out _).Length;
                }

                var end = SymbolFlowPolicy.ExchangeEnd(exchange + 1, _b.Options.MaxNumberOfIbfFilterFlows, 21_300, accepted.SetSize);
                if (end > granted)
                {
                    await session.SendAsync(ProtocolCodec.EncodeCredit(true, end - granted));
                    granted = end;
                }
            }

            Assert.That(_b.Encoders.Get(PartyA).PrefixLength, Is.GreaterThanOrEqualTo((int)cap), "the run grew the prefix");
            await session.SendAsync(ProtocolCodec.EncodeDone());
            while (await session.ReceiveAsync() is not null)
            {
            }
        }

        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single(), Is.SameAs(ResponderOutcome.Served));
        Assert.That(_b.Encoders.Get(PartyA).PrefixLength, Is.EqualTo(WarmEncoder.WarmPrefixLength(21_300)));
    }

    [Test]
    public async Task ReconcileAsync_ResponderTrickles_EndsAtTheDeadlineWithTypedError()
    {
        _a.Options.MaxReconciliationDuration = TimeSpan.FromSeconds(1);
        var random = new Random(37);
        var trickler = new ScriptedPeer(async (peer, session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await session.SendAsync(ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, SketchKey.FromRandom(new Random(3)), 1000)), ct);
            await peer.ServeCreditAsync(session, 1, _ => ScriptedPeer.RandomSymbol(random), TimeSpan.FromMilliseconds(150), 1, ct);
        });
        _network.Register(PartyB, trickler);
        var clock = Stopwatch.StartNew();

        var ex = Assert.ThrowsAsync<ReconciliationDeadlineExceededException>(async () => await _a.ReconcileAsync(PartyB));

        Assert.That(ex!.Party, Is.EqualTo(PartyB));
        Assert.That(ex.Limit, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(clock.Elapsed, Is.LessThan(NoHang));
        using var cts = new CancellationTokenSource(NoHang);
        await _network.WhenHandlersIdleAsync(cts.Token);
        Assert.That(trickler.Abort?.Reason, Does.Contain("maxReconciliationDuration"));
    }

    [Test]
    public async Task RespondAsync_RequesterTrickles_EndsAtTheDeadlineAndRecordsFailed()
    {
        _b.Options.MaxReconciliationDuration = TimeSpan.FromSeconds(1);
        var ended = new List<(ReconciliationState State, string? Error)>();
        _b.Telemetry.On<RunEndedArguments>((_, e) => ended.Add((e.Outcome, e.Error)));
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 1300)));
        var clock = Stopwatch.StartNew();
        var types = new List<ProtocolMessageType>();
        var reading = Task.Run(async () =>
        {
            while (await session.ReceiveAsync() is { } message)
            {
                types.Add(ProtocolCodec.PeekType(message.Span));
            }
        });

        // One symbol of credit every 150 ms: always inside the session timeout, never finished.
        while (!reading.IsCompleted && clock.Elapsed < NoHang)
        {
            await Task.Delay(150);
            try
            {
                await session.SendAsync(ProtocolCodec.EncodeCredit(false, 1));
            }
            catch (Exception ex) when (ex is LedgerSyncException or InvalidOperationException or ObjectDisposedException)
            {
                break;
            }
        }

        await reading.WaitAsync(NoHang);
        await _network.WhenHandlersIdleAsync();
        Assert.That(types[^1], Is.EqualTo(ProtocolMessageType.Abort));
        Assert.That(_b.Outcomes.Single().Error, Is.TypeOf<ReconciliationDeadlineExceededException>());
        Assert.That(ended.Single().State, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(ended.Single().Error, Does.Contain("maxReconciliationDuration"));
    }

    [Test]
    public async Task RespondAsync_SecondHelloFromAPartyBeingAnswered_RefusedAsAlreadyResponding()
    {
        await using var first = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await first.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 1000)));
        Assert.That(ProtocolCodec.PeekType((await first.ReceiveAsync())!.Value.Span), Is.EqualTo(ProtocolMessageType.Accepted));

        await using var second = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await second.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 1000)));
        var refused = ProtocolCodec.DecodeRefused((await second.ReceiveAsync())!.Value.Span);

        Assert.That(refused.Reason, Is.EqualTo(RefusalReason.AlreadyResponding));
        await first.SendAsync(ProtocolCodec.EncodeDone());
    }

    [Test]
    public async Task ReconcileAsync_ResponderAlreadyAnsweringThisNode_ThrowsIncomingReconciliationInProgress()
    {
        await using var held = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await held.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 1000)));
        _ = await held.ReceiveAsync();

        var ex = Assert.ThrowsAsync<IncomingReconciliationInProgressException>(async () => await _a.ReconcileAsync(PartyB));

        Assert.That(ex, Is.InstanceOf<MaxIncomingSessionsExceededException>(), "the scheduler retries it like busy");
        Assert.That(ex!.Party, Is.EqualTo(PartyB));
        await held.SendAsync(ProtocolCodec.EncodeDone());
        await _network.WhenHandlersIdleAsync();

        var retried = await _a.ReconcileAsync(PartyB);
        Assert.That(retried.Missing, Has.Count.EqualTo(300), "once the first run ended, the party is answered again");
    }

    [TestCase(0L, 0L)]
    [TestCase(long.MaxValue / 2, 10L)]
    public void ReconcileAsync_ResponderGrantsBelowTheAskOrPastTheCap_FailsTyped(long total, long estimate)
    {
        var random = new Random(41);
        var liar = new ScriptedPeer(async (peer, session, ct) =>
        {
            var hello = ProtocolCodec.DecodeHello((await session.ReceiveAsync(ct))!.Value.Span);
            await session.SendAsync(ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, SketchKey.FromRandom(new Random(4)), hello.SetSize)), ct);
            await session.SendAsync(ProtocolCodec.EncodeSymbols(0, [ScriptedPeer.RandomSymbol(random)]), ct);
            var request = await session.ReceiveAsync(ct);
            Assert.That(ProtocolCodec.PeekType(request!.Value.Span), Is.EqualTo(ProtocolMessageType.DifferenceEstimate));
            await session.SendAsync(ProtocolCodec.EncodeGranted(Math.Min(total, RatelessEncoder.MaxPrefixLength), estimate), ct);
            while (await session.ReceiveAsync(ct) is not null)
            {
            }
        });
        _network.Register(PartyB, liar);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("granted"));
    }

    [Test]
    public async Task RespondAsync_VersionOneHello_RefusesWithUnsupportedVersion()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(1, 1000)));

        var refused = ProtocolCodec.DecodeRefused((await session.ReceiveAsync())!.Value.Span);

        Assert.That(refused.Reason, Is.EqualTo(RefusalReason.UnsupportedVersion));
        Assert.That(refused.Limit, Is.EqualTo(ProtocolCodec.CurrentVersion));
        Assert.That(await session.ReceiveAsync(), Is.Null);
    }

    [Test]
    public async Task RespondAsync_VersionTwoHelloWithClaimedIdentity_RefusesWithUnsupportedVersion()
    {
        // A version-2 hello: type, version 2, the claimed identity (length-prefixed UTF-8), the set size.
        var identity = System.Text.Encoding.UTF8.GetBytes(PartyA.ToString());
        byte[] hello = [(byte)ProtocolMessageType.Hello, 2, (byte)identity.Length, .. identity, 0xE8, 0x07];
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(hello);

        var refused = ProtocolCodec.DecodeRefused((await session.ReceiveAsync())!.Value.Span);

        Assert.That((refused.Reason, refused.Limit), Is.EqualTo((RefusalReason.UnsupportedVersion, (long)ProtocolCodec.CurrentVersion)));
        Assert.That(await session.ReceiveAsync(), Is.Null);
    }

    [Test]
    public void ReconcileAsync_VersionOneAnswer_ThrowsUnsupportedProtocolVersion()
    {
        // A version-1 acceptance: type, version 1, key, set size, initial credit, symbol cap.
        var v1 = new byte[] { (byte)ProtocolMessageType.Accepted, 1 }.Concat(new byte[16]).Concat(new byte[] { 0xE8, 0x07, 1, 0xC8, 0x3E }).ToArray();
        _network.Register(PartyB, new ScriptedPeer(async (_, session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await session.SendAsync(v1, ct);
            while (await session.ReceiveAsync(ct) is not null)
            {
            }
        }));

        var ex = Assert.ThrowsAsync<UnsupportedProtocolVersionException>(async () => await _a.ReconcileAsync(PartyB));

        Assert.That((ex!.PeerVersion, ex.LocalVersion, ex.Party), Is.EqualTo((1, ProtocolCodec.CurrentVersion, PartyB)));
    }

    [Test]
    public void ReconcileAsync_VersionOneResponderRefuses_ThrowsUnsupportedProtocolVersion()
    {
        _network.Register(PartyB, new ScriptedPeer(async (_, session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await session.SendAsync(ProtocolCodec.EncodeRefused(new RefusedMessage(RefusalReason.UnsupportedVersion, 1)), ct);
        }));

        Assert.That(async () => await _a.ReconcileAsync(PartyB),
            Throws.TypeOf<UnsupportedProtocolVersionException>().With.Property(nameof(UnsupportedProtocolVersionException.PeerVersion)).EqualTo(1));
    }

    [Test]
    public async Task ReconcileAsync_TransportNeverConnects_WaitsOnConnectingThenEndsAtTheDeadline()
    {
        var transport = new NeverConnectingTransport();
        var options = new LedgerSyncOptions { LocalParty = PartyA, MaxReconciliationDuration = TimeSpan.FromSeconds(1) };
        var initiator = new ReconciliationInitiator(
            _a.Graph, new TestOptionsMonitor<LedgerSyncOptions>(options), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ReconciliationInitiator>.Instance, transport);
        using var tracker = _a.Registry.Start(Guid.NewGuid(), LedgerSync.Diagnostics.FlowNames.ReconcileWithParty, PartyB, LedgerSync.Diagnostics.ReconciliationRole.Requester);

        var run = initiator.ReconcileAsync(new ReconciliationRequest(PartyB, tracker.RunId, tracker), CancellationToken.None);
        await transport.Opening.Task.WaitAsync(NoHang);
        var waiting = tracker.Snapshot();

        Assert.That(waiting.WaitingOn, Is.EqualTo(LedgerSync.Diagnostics.RunWaitReason.Connecting));
        Assert.That(waiting.Stages[^1].Stage, Does.StartWith($"connecting to {PartyB}"));
        Assert.That(async () => await run.WaitAsync(NoHang), Throws.TypeOf<ReconciliationDeadlineExceededException>());
        Assert.That(tracker.CurrentWait, Is.EqualTo(LedgerSync.Diagnostics.RunWaitReason.None));
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
