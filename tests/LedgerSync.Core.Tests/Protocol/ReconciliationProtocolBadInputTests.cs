using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Testing;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Protocol;

public sealed class ReconciliationProtocolBadInputTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    private InMemoryNetwork _network = null!;
    private ProtocolNode _a = null!;
    private ProtocolNode _b = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _a = new ProtocolNode(_network, PartyA, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(1));
        _b = new ProtocolNode(_network, PartyB, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(1));
        var random = new Random(7);
        var shared = ReconciliationProtocolTests.Ids(random, 200);
        _a.Fake.Add(PartyB, shared);
        _b.Fake.Add(PartyA, shared.Concat(ReconciliationProtocolTests.Ids(random, 300)));
    }

    [TearDown]
    public async Task TearDown()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _network.WhenHandlersIdleAsync(cts.Token); // no hang
        Assert.That(_network.GetHandlerFaults(), Is.Empty, "a responder crashed");
        await _network.DisposeAsync();
    }

    private static IEnumerable<TestCaseData> MalformedHellos()
    {
        var good = ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 200));
        yield return new TestCaseData(Array.Empty<byte>()).SetName("RespondAsync_EmptyHello_AbortsWithProtocolViolation");
        yield return new TestCaseData(good[..^3]).SetName("RespondAsync_TruncatedHello_AbortsWithProtocolViolation");
        yield return new TestCaseData(good.Concat(new byte[] { 0 }).ToArray()).SetName("RespondAsync_HelloWithTrailingBytes_AbortsWithProtocolViolation");
        yield return new TestCaseData(new byte[] { 99, 1, 2 }).SetName("RespondAsync_UnknownMessageType_AbortsWithProtocolViolation");
        yield return new TestCaseData(ProtocolCodec.EncodeCredit(false, 10)).SetName("RespondAsync_CreditBeforeHello_AbortsWithProtocolViolation");
        yield return new TestCaseData(new byte[] { 1, ProtocolCodec.CurrentVersion, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }).SetName("RespondAsync_HelloWithHugeSetSize_AbortsWithProtocolViolation");
    }

    [TestCaseSource(nameof(MalformedHellos))]
    public async Task RespondAsync_BadHello_AbortsAndEndsTheSession(byte[] hello)
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(hello);

        var reply = await session.ReceiveAsync();
        var end = await session.ReceiveAsync();

        Assert.That(ProtocolCodec.PeekType(reply!.Value.Span), Is.EqualTo(ProtocolMessageType.Abort));
        Assert.That(ProtocolCodec.DecodeAbort(reply.Value.Span).Code, Is.EqualTo(AbortCode.ProtocolViolation));
        Assert.That(end, Is.Null);
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single().Error, Is.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public async Task RespondAsync_UnknownVersion_RefusesWithItsOwnVersion()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { (byte)ProtocolMessageType.Hello, 7, 0xAA, 0xBB });

        var reply = await session.ReceiveAsync();

        var refused = ProtocolCodec.DecodeRefused(reply!.Value.Span);
        Assert.That(refused.Reason, Is.EqualTo(RefusalReason.UnsupportedVersion));
        Assert.That(refused.Limit, Is.EqualTo(ProtocolCodec.CurrentVersion));
        Assert.That(await session.ReceiveAsync(), Is.Null);
    }

    [Test]
    public async Task RespondAsync_DuplicatedHelloAfterAcceptance_Aborts()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        var hello = ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 500));
        await session.SendAsync(hello);
        var accepted = ProtocolCodec.DecodeAccepted((await session.ReceiveAsync())!.Value.Span, PartyB);
        await session.SendAsync(hello);

        var types = await ReadTypesUntilEndAsync(session);

        Assert.That(SymbolFlowPolicy.FirstBurst(500, accepted.SetSize), Is.EqualTo(1));
        Assert.That(types[^1], Is.EqualTo(ProtocolMessageType.Abort));
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single().Error, Is.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public async Task RespondAsync_RequesterAsksForMoreExchangesThanAllowed_AbortsWithLimitExceeded()
    {
        _b.Options.MaxNumberOfIbfFilterFlows = 1;
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 500)));
        var accepted = ProtocolCodec.DecodeAccepted((await session.ReceiveAsync())!.Value.Span, PartyB);
        _ = await session.ReceiveAsync(); // the one symbol of the initial credit
        await session.SendAsync(ProtocolCodec.EncodeCredit(true, 100));

        var abort = await ReadUntilAbortAsync(session);

        Assert.That(abort.Code, Is.EqualTo(AbortCode.LimitExceeded));
        Assert.That(abort.Reason, Does.Contain("maxNumberOfIbfFilterFlows"));
    }

    [Test]
    public async Task RespondAsync_RequesterAsksPastTheSymbolCap_AbortsWithLimitExceeded()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 500)));
        var accepted = ProtocolCodec.DecodeAccepted((await session.ReceiveAsync())!.Value.Span, PartyB);
        await session.SendAsync(ProtocolCodec.EncodeCredit(false, SymbolFlowPolicy.SymbolCap(500, accepted.SetSize)));

        var abort = await ReadUntilAbortAsync(session);

        Assert.That(abort.Code, Is.EqualTo(AbortCode.LimitExceeded));
    }

    [Test]
    public async Task RespondAsync_RequesterStalls_TimesOutAndRecordsTheParty()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 500)));

        var types = await ReadTypesUntilEndAsync(session);

        Assert.That(types[0], Is.EqualTo(ProtocolMessageType.Accepted));
        Assert.That(types[^1], Is.EqualTo(ProtocolMessageType.Abort));
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single().Error,
            Is.TypeOf<PeerSessionTimeoutException>().With.Property(nameof(PeerSessionTimeoutException.Party)).EqualTo(PartyA));
    }

    [Test]
    public async Task RespondAsync_RequesterStopsReading_TimesOutInsteadOfBlocking()
    {
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(12), 20_000));
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, 0)));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _network.WhenHandlersIdleAsync(cts.Token);

        Assert.That(_b.Outcomes.Single().Error,
            Is.TypeOf<PeerSessionTimeoutException>().With.Property(nameof(PeerSessionTimeoutException.WaitingFor)).Contains("read"));
    }

    [TestCase(1, 0)]
    [TestCase(1, 40)]
    [TestCase(0, 18)] // the acceptance's set size
    public void ReconcileAsync_CorruptedResponderMessage_ThrowsProtocolException(int sequence, int index)
    {
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence == sequence ? InMemoryMessageFate.Corrupt(m, index) : InMemoryMessageFate.Deliver);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.InstanceOf<LedgerSyncException>());
    }

    [Test]
    public void ReconcileAsync_TruncatedSymbols_ThrowsProtocolException()
    {
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence == 1 ? InMemoryMessageFate.Truncate(m, m.Payload.Length - 5) : InMemoryMessageFate.Deliver);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>());
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
    public void ReconcileAsync_ResponderFloodsPastTheCredit_ThrowsProtocolException()
    {
        // The responder's first symbols message is replaced by one holding far more symbols than the credit allows.
        var flood = ProtocolCodec.EncodeSymbols(0, new CodedSymbol[SymbolFlowPolicy.FirstBurst(200, 500) + 100]);
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence == 1 ? InMemoryMessageFate.Replace(flood) : InMemoryMessageFate.Deliver);

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("maximum"));
    }

    [Test]
    public void ReconcileAsync_DuplicatedSymbols_ThrowsProtocolException()
    {
        byte[]? first = null;
        _network.SetInterceptor(m =>
        {
            if (m.From != PartyB)
            {
                return InMemoryMessageFate.Deliver;
            }

            if (m.Sequence == 1)
            {
                first = m.Payload.ToArray();
            }

            return m.Sequence == 2 && first is not null ? InMemoryMessageFate.Replace(first) : InMemoryMessageFate.Deliver;
        });
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(8), 2000));

        Assert.That(async () => await _a.ReconcileAsync(PartyB),
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("out of order"));
    }

    [Test]
    public async Task ReconcileAsync_ResponderStalls_ThrowsTimeoutNamingThePartyAndTheWait()
    {
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence >= 1 ? InMemoryMessageFate.Stall : InMemoryMessageFate.Deliver);
        _b.Options.SessionTimeout = TimeSpan.FromSeconds(60); // the requester must be the one that times out

        var ex = Assert.ThrowsAsync<PeerSessionTimeoutException>(async () => await _a.ReconcileAsync(PartyB));

        Assert.That(ex!.Party, Is.EqualTo(PartyB));
        Assert.That(ex.WaitingFor, Does.Contain("coded symbols"));
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single().Error, Is.Not.Null);
    }

    [Test]
    public async Task ReconcileAsync_SessionKilled_BothSidesEndWithTypedErrors()
    {
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence == 2 ? InMemoryMessageFate.KillSession : InMemoryMessageFate.Deliver);
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(9), 2000));

        Assert.That(async () => await _a.ReconcileAsync(PartyB), Throws.InstanceOf<LedgerSyncException>());
        await _network.WhenHandlersIdleAsync();
        Assert.That(_b.Outcomes.Single().Error, Is.InstanceOf<LedgerSyncException>());
    }

    [Test]
    public async Task ReconcileAsync_Cancelled_StopsBothSidesCleanly()
    {
        _network.Latency = TimeSpan.FromMilliseconds(100);
        _b.Fake.Add(PartyA, ReconciliationProtocolTests.Ids(new Random(10), 5000));
        _a.Options.SessionTimeout = TimeSpan.FromSeconds(30);
        _b.Options.SessionTimeout = TimeSpan.FromSeconds(30);
        // One way takes 100 ms, so the answer cannot be back (let alone decoded) when the requester cancels at 150 ms.
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        Assert.That(async () => await _a.ReconcileAsync(PartyB, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _network.WhenHandlersIdleAsync(wait.Token);
        Assert.That(_b.Outcomes.Single().Error, Is.InstanceOf<LedgerSyncException>());
    }

    private static async Task<List<ProtocolMessageType>> ReadTypesUntilEndAsync(IPeerSession session)
    {
        var types = new List<ProtocolMessageType>();
        while (await session.ReceiveAsync() is { } message)
        {
            types.Add(ProtocolCodec.PeekType(message.Span));
        }

        return types;
    }

    private static async Task<(AbortCode Code, string Reason)> ReadUntilAbortAsync(IPeerSession session)
    {
        while (await session.ReceiveAsync() is { } message)
        {
            if (ProtocolCodec.PeekType(message.Span) == ProtocolMessageType.Abort)
            {
                return ProtocolCodec.DecodeAbort(message.Span);
            }
        }

        throw new AssertionException("The session ended without an abort.");
    }
}
