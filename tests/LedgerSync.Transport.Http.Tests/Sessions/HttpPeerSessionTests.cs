using LedgerSync.Testing;
using LedgerSync.Tests.Support;
using LedgerSync.Transport.Http;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Sessions;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class HttpPeerSessionTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private TestPki _pki = null!;
    private readonly List<HttpNode> _nodes = [];

    [SetUp]
    public void SetUp()
    {
        _pki = new TestPki();
        _nodes.Clear();
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _pki.Dispose();
    }

    [Test]
    public async Task SendReceive_EchoPeer_MessagesRoundTripInOrderAndBothSidesSeeAuthenticatedParty()
    {
        var handler = ScriptedHandler.Echo();
        var (a, b) = await StartPairAsync(handler);

        await using var session = await a.Transport.OpenSessionAsync(PartyB);
        var messages = Enumerable.Range(0, 20).Select(i => RandomBytes(i * 997, seed: i)).ToList();
        foreach (var message in messages)
        {
            await session.SendAsync(message);
        }

        await session.CompleteAsync();
        var received = new List<byte[]>();
        while (await session.ReceiveAsync() is { } message)
        {
            received.Add(message.ToArray());
        }

        Assert.That(await handler.Finished.Task.WaitAsync(Generous), Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo(messages));
            Assert.That(session.Counterparty, Is.EqualTo(PartyB));
            Assert.That(handler.Counterparties, Is.EqualTo(new[] { PartyA }));
        });
    }

    [Test]
    public async Task SendReceive_MessagesOfMaximumSize_ArriveWhole()
    {
        const int max = 1024 * 1024;
        var handler = ScriptedHandler.Echo();
        var (a, _) = await StartPairAsync(handler, core: o => o.MaxMessageSize = max);

        await using var session = await a.Transport.OpenSessionAsync(PartyB);
        // The first message is the hello, which the endpoint bounds before admission (MaxHelloSize); the rest may be the maximum.
        var messages = new[] { RandomBytes(64, 0), RandomBytes(max, 1), RandomBytes(max - 1, 2), RandomBytes(0, 3), RandomBytes(max, 4) };
        var receiving = Task.Run(async () =>
        {
            var list = new List<byte[]>();
            while (await session.ReceiveAsync() is { } message)
            {
                list.Add(message.ToArray());
            }

            return list;
        });
        foreach (var message in messages)
        {
            await session.SendAsync(message);
        }

        await session.CompleteAsync();

        Assert.That(await receiving.WaitAsync(Generous), Is.EqualTo(messages));
    }

    [Test]
    public async Task CompleteAsync_ClientCompletesFirst_ServerSeesEndAndCanStillReply()
    {
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            var count = 0;
            while (await session.ReceiveAsync(ct) is not null)
            {
                count++;
            }

            await session.SendAsync(BitConverter.GetBytes(count), ct);
            await session.CompleteAsync(ct);
        });
        var (a, _) = await StartPairAsync(handler);

        await using var session = await a.Transport.OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });
        await session.SendAsync(new byte[] { 2 });
        await session.CompleteAsync();
        var reply = await session.ReceiveAsync();
        var end = await session.ReceiveAsync();

        Assert.Multiple(() =>
        {
            Assert.That(BitConverter.ToInt32(reply!.Value.Span), Is.EqualTo(2));
            Assert.That(end, Is.Null);
        });
    }

    [Test]
    public async Task SendAsync_MessageOverMaximumSize_ThrowsMaxMessageSizeExceeded()
    {
        var (a, _) = await StartPairAsync(ScriptedHandler.Echo(), core: o => o.MaxMessageSize = 4096);
        await using var session = await a.Transport.OpenSessionAsync(PartyB);

        Assert.That(async () => await session.SendAsync(new byte[4097]),
            Throws.TypeOf<MaxMessageSizeExceededException>()
                .With.Property(nameof(MaxMessageSizeExceededException.Size)).EqualTo(4097)
                .And.Property(nameof(MaxMessageSizeExceededException.Limit)).EqualTo(4096));
    }

    [Test]
    public async Task ReceiveAsync_ServerAnnouncesOversizeFrame_ClientRefusesWithProtocolError()
    {
        // The server node allows large messages, the client node does not.
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await session.SendAsync(new byte[64 * 1024], ct);
            await session.ReceiveAsync(ct);
        });
        var b = await StartNodeAsync(PartyB, handler, core: o => o.MaxMessageSize = 1024 * 1024);
        var a = await StartNodeAsync(PartyA, null, core: o => o.MaxMessageSize = 4096);
        a.Knows(b);

        await using var session = await a.Transport.OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });

        Assert.That(async () => await session.ReceiveAsync(),
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("65536").And.Message.Contains(PartyB.ToString()));
        Assert.That(await handler.Finished.Task.WaitAsync(Generous), Is.InstanceOf<LedgerSyncException>(), "the server's session ends with an error");
    }

    [Test]
    public async Task ReceiveAsync_PeerStalls_ThrowsSessionTimeoutAfterSessionTimeout()
    {
        var time = new TimerObservingTimeProvider(DateTimeOffset.UtcNow);
        var stalled = new TaskCompletionSource();
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await stalled.Task;
        });
        var b = await StartNodeAsync(PartyB, handler);
        var a = await StartNodeAsync(PartyA, null, core: o => o.SessionTimeout = TimeSpan.FromMinutes(2), time: time);
        a.Knows(b);

        await using var session = await a.Transport.OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });
        var receiveTimeoutArmed = time.NextTimerAsync(TimeSpan.FromMinutes(2), Generous);
        var receive = session.ReceiveAsync().AsTask();

        // The receive waits on a timer of exactly the session timeout, and times out when the fake clock reaches it.
        await receiveTimeoutArmed;
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.That(async () => await receive.WaitAsync(Generous),
            Throws.TypeOf<PeerSessionTimeoutException>()
                .With.Property(nameof(PeerSessionTimeoutException.Party)).EqualTo(PartyB)
                .And.Property(nameof(PeerSessionTimeoutException.Timeout)).EqualTo(TimeSpan.FromMinutes(2)));
        stalled.SetResult();
    }

    [Test]
    public async Task ReceiveAsync_ServerProcessDiesMidSession_ClientReceiveFailsWithConnectionError()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct);
            received.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        var (a, b) = await StartPairAsync(handler);

        await using var session = await a.Transport.OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });
        await received.Task.WaitAsync(Generous);
        var receive = session.ReceiveAsync().AsTask();
        await b.Listener.DisposeAsync();

        Assert.That(async () => await receive.WaitAsync(Generous), Throws.InstanceOf<LedgerSyncException>());
    }

    [Test]
    public async Task DisposeAsync_ClientAbortsMidSession_ServerReceiveFailsWithConnectionError()
    {
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct);
            first.SetResult();
            await session.ReceiveAsync(ct);
        });
        var (a, _) = await StartPairAsync(handler);

        var session = await a.Transport.OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });
        await first.Task.WaitAsync(Generous);
        await session.DisposeAsync();

        Assert.That(await handler.Finished.Task.WaitAsync(Generous), Is.TypeOf<PeerConnectionException>());
    }

    [Test]
    public async Task DisposeAsync_ServerHandlerFails_ClientReceiveFails()
    {
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct);
            throw new InvalidOperationException("responder broke");
        });
        var (a, _) = await StartPairAsync(handler);

        await using var session = await a.Transport.OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });

        Assert.That(async () => await session.ReceiveAsync().AsTask().WaitAsync(Generous), Throws.TypeOf<PeerConnectionException>());
    }

    [Test]
    public async Task OpenSessionAsync_ManyConcurrentSessions_AllRoundTrip()
    {
        var handler = ScriptedHandler.Echo();
        var (a, _) = await StartPairAsync(handler, http: o =>
        {
            o.MaxSessionsPerParty = 20;
            o.MaxSessionsPerConnection = 20;
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            await using var session = await a.Transport.OpenSessionAsync(PartyB);
            await session.SendAsync(BitConverter.GetBytes(i));
            await session.CompleteAsync();
            var reply = await session.ReceiveAsync();
            return BitConverter.ToInt32(reply!.Value.Span);
        })).WaitAsync(Generous);

        Assert.That(results, Is.EqualTo(Enumerable.Range(0, 20)));
    }

    [Test]
    public async Task OpenSessionAsync_PartyNotInDirectory_ThrowsConnectionError()
    {
        var (a, _) = await StartPairAsync(ScriptedHandler.Echo());

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyC),
            Throws.TypeOf<PeerConnectionException>().With.Property(nameof(PeerConnectionException.Party)).EqualTo(PartyC));
    }

    [Test]
    public async Task OpenSessionAsync_NothingListensAtTheAddress_ThrowsConnectionError()
    {
        var (a, b) = await StartPairAsync(ScriptedHandler.Echo());
        await b.Listener.DisposeAsync();

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB).AsTask().WaitAsync(Generous),
            Throws.TypeOf<PeerConnectionException>().With.Property(nameof(PeerConnectionException.Party)).EqualTo(PartyB));
    }

    private async Task<(HttpNode A, HttpNode B)> StartPairAsync(ScriptedHandler handlerOfB, Action<LedgerSyncOptions>? core = null, Action<LedgerSyncHttpOptions>? http = null)
    {
        var b = await StartNodeAsync(PartyB, handlerOfB, core, http: http);
        var a = await StartNodeAsync(PartyA, null, core);
        a.Knows(b);
        return (a, b);
    }

    private async Task<HttpNode> StartNodeAsync(PartyName party, ScriptedHandler? handler, Action<LedgerSyncOptions>? core = null, TimeProvider? time = null, Action<LedgerSyncHttpOptions>? http = null)
    {
        var node = await HttpNode.StartAsync(party, _pki.Issue(party), [_pki.Root], handler, core, http, timeProvider: time);
        _nodes.Add(node);
        return node;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
