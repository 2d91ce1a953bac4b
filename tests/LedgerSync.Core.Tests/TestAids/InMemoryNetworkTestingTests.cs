using System.Diagnostics;
using LedgerSync.Testing;
using LedgerSync.Tests.Protocol;
using LedgerSync.Transport;

namespace LedgerSync.Tests.TestAids;

/// <summary>The in-memory network's test aids of the LedgerSync.Testing package (<see cref="InMemoryNetworkTestingExtensions"/>).</summary>
public sealed class InMemoryNetworkTestingTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly int[] ReplacedThenDeliveredLengths = [1, 300];
    private static readonly int[] FirstTwoSequences = [0, 1];
    private static readonly string[] ObserverThenInterceptorTwiceThenInterceptorOnly = ["observer", "interceptor", "observer", "interceptor", "interceptor"];

    private InMemoryNetwork _network = null!;
    private RecordingHandler _b = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _b = new RecordingHandler();
        _network.Register(PartyB, _b);
    }

    [TearDown]
    public async Task TearDown() => await _network.DisposeAsync();

    [Test]
    public async Task GetTraffic_RandomMessages_CountsEveryMessageAndByteSentPerDirection()
    {
        var random = new Random(21);
        var sizes = Enumerable.Range(0, 40).Select(_ => random.Next(0, 3000)).ToArray();
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        foreach (var size in sizes)
        {
            await session.SendAsync(new byte[size]);
        }

        await session.CompleteAsync();
        var received = await _b.Received;

        Assert.Multiple(() =>
        {
            Assert.That(_network.GetTraffic(PartyA, PartyB), Is.EqualTo(new InMemoryTraffic(sizes.Length, sizes.Sum())));
            Assert.That(received.Select(m => m.Length), Is.EqualTo(sizes));
            Assert.That(_network.GetTraffic(PartyB, PartyA), Is.EqualTo(new InMemoryTraffic(0, 0)));
        });
    }

    [Test]
    public async Task GetTraffic_DroppedAndReplacedMessages_CountsWhatTheSenderPassed()
    {
        _network.SetInterceptor(m => m.Sequence switch
        {
            0 => InMemoryMessageFate.Drop,
            1 => InMemoryMessageFate.Replace(new byte[1]),
            _ => InMemoryMessageFate.Deliver,
        });
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[100]);
        await session.SendAsync(new byte[200]);
        await session.SendAsync(new byte[300]);
        await session.CompleteAsync();

        var received = await _b.Received;

        Assert.That(received.Select(m => m.Length), Is.EqualTo(ReplacedThenDeliveredLengths));
        Assert.That(_network.GetTraffic(PartyA, PartyB), Is.EqualTo(new InMemoryTraffic(3, 600)));
    }

    [Test]
    public async Task ResetTraffic_AfterMessages_CountsFromZero()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[10]);

        _network.ResetTraffic();
        await session.SendAsync(new byte[7]);

        Assert.That(_network.GetTraffic(PartyA, PartyB), Is.EqualTo(new InMemoryTraffic(1, 7)));
    }

    [Test]
    public async Task SetInterceptor_Drop_LosesOnlyThatMessage()
    {
        _network.SetInterceptor(m => m.From == PartyA && m.Sequence == 0 ? InMemoryMessageFate.Drop : InMemoryMessageFate.Deliver);
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });
        await session.SendAsync(new byte[] { 2 });
        await session.CompleteAsync();

        Assert.That(await _b.Received, Is.EqualTo(new[] { new byte[] { 2 } }));
    }

    [Test]
    public async Task SetInterceptor_Corrupt_InvertsTheByteAtTheIndexModuloTheLength()
    {
        _network.SetInterceptor(m => InMemoryMessageFate.Corrupt(m, index: 6));
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1, 2, 3, 4 });
        await session.CompleteAsync();

        Assert.That(await _b.Received, Is.EqualTo(new[] { new byte[] { 1, 2, unchecked((byte)~3), 4 } }));
    }

    [Test]
    public async Task SetInterceptor_Truncate_DeliversThePrefix()
    {
        _network.SetInterceptor(m => InMemoryMessageFate.Truncate(m, 3));
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 9, 8, 7, 6, 5 });
        await session.CompleteAsync();

        Assert.That(await _b.Received, Is.EqualTo(new[] { new byte[] { 9, 8, 7 } }));
    }

    [Test]
    public async Task SetInterceptor_Stall_LosesThatAndEveryLaterMessageOfTheDirection()
    {
        var shown = new List<int>();
        _network.SetInterceptor(m =>
        {
            shown.Add(m.Sequence);
            return m.Sequence == 1 ? InMemoryMessageFate.Stall : InMemoryMessageFate.Deliver;
        });
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });
        await session.SendAsync(new byte[] { 2 });
        await session.SendAsync(new byte[] { 3 });
        await session.CompleteAsync();
        var received = await _b.Received;

        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo(new[] { new byte[] { 1 } }));
            Assert.That(shown, Is.EqualTo(FirstTwoSequences), "a stalled direction's messages are not shown to the interceptor");
            Assert.That(_network.GetTraffic(PartyA, PartyB).Messages, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task SetInterceptor_KillSession_SendFailsAndBothEndsSeeTheEnd()
    {
        _network.SetInterceptor(m => m.Sequence == 1 ? InMemoryMessageFate.KillSession : InMemoryMessageFate.Deliver);
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });

        Assert.That(async () => await session.SendAsync(new byte[] { 2 }), Throws.InstanceOf<LedgerSyncException>());
        Assert.That(await session.ReceiveAsync(), Is.Null);
        await _b.Received;
    }

    [Test]
    public async Task SetInterceptor_DelayBy_DeliversNoEarlierThanTheDelay()
    {
        var delay = TimeSpan.FromMilliseconds(200);
        _network.SetInterceptor(_ => InMemoryMessageFate.DelayBy(delay));
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        var started = Stopwatch.GetTimestamp();
        await session.SendAsync(new byte[] { 4 });
        await session.CompleteAsync();

        var received = await _b.Received;

        Assert.That(received, Is.EqualTo(new[] { new byte[] { 4 } }));
        Assert.That(_b.FirstReceivedAt - started, Is.GreaterThanOrEqualTo((long)(Stopwatch.Frequency * delay.TotalSeconds * 0.95)));
    }

    [Test]
    public void DelayBy_Negative_ThrowsArgumentOutOfRange()
    {
        Assert.That(() => InMemoryMessageFate.DelayBy(TimeSpan.FromTicks(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task SetInterceptor_Null_DeliversEverythingAgain()
    {
        _network.SetInterceptor(_ => InMemoryMessageFate.Drop);
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });

        _network.SetInterceptor(null);
        await session.SendAsync(new byte[] { 2 });
        await session.CompleteAsync();

        Assert.That(await _b.Received, Is.EqualTo(new[] { new byte[] { 2 } }));
    }

    [Test]
    public async Task SetInterceptor_ReturnsNull_SendThrowsInvalidOperation()
    {
        _network.SetInterceptor(_ => null!);
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);

        Assert.That(async () => await session.SendAsync(new byte[] { 1 }),
            Throws.TypeOf<InvalidOperationException>().With.Message.Contains("InMemoryMessageFate.Deliver"));
    }

    [Test]
    public async Task ObserveMessages_UntilDisposed_SeesEachMessageBeforeTheInterceptor()
    {
        var seen = new List<InMemoryMessage>();
        var order = new List<string>();
        var observation = _network.ObserveMessages(m =>
        {
            seen.Add(m);
            order.Add("observer");
        });
        _network.SetInterceptor(_ =>
        {
            order.Add("interceptor");
            return InMemoryMessageFate.Drop;
        });
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 5, 6 });
        await session.SendAsync(new byte[] { 7 });

        observation.Dispose();
        await session.SendAsync(new byte[] { 8 });

        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(m => (m.From, m.To, m.Sequence, m.Payload.ToArray())), Is.EqualTo(new[]
            {
                (PartyA, PartyB, 0, new byte[] { 5, 6 }),
                (PartyA, PartyB, 1, new byte[] { 7 }),
            }));
            Assert.That(seen.Select(m => m.SessionId).Distinct().Count(), Is.EqualTo(1));
            Assert.That(order, Is.EqualTo(ObserverThenInterceptorTwiceThenInterceptorOnly));
        });
    }

    [Test]
    public async Task KillSessions_Open_BothSidesSeeTheEnd()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        var receive = session.ReceiveAsync().AsTask();

        Assert.That(_network.KillSessions(PartyA, PartyB), Is.EqualTo(1));
        Assert.That(await receive, Is.Null);
        Assert.That(await _b.Received, Is.Empty);
        Assert.That(async () => await session.SendAsync(new byte[1]), Throws.InstanceOf<LedgerSyncException>());
        Assert.That(_network.GetOpenSessionCount(), Is.Zero);
    }

    [Test]
    public async Task GetOpenSessionCount_UntilBothEndsClose_CountsTheSession()
    {
        var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        var whileOpen = _network.GetOpenSessionCount();

        await session.CompleteAsync();
        await _b.Received;
        await _network.WhenHandlersIdleAsync(); // the handler's end is disposed when it returns
        await session.DisposeAsync();

        Assert.That(whileOpen, Is.EqualTo(1));
        Assert.That(_network.GetOpenSessionCount(), Is.Zero);
    }

    [Test]
    public async Task WhenHandlersIdleAsync_HandlerRunning_CompletesOnlyAfterItReturns()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new BlockingHandler(release.Task);
        _network.Register(PartyB, handler);
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await handler.Started;

        var idle = _network.WhenHandlersIdleAsync();
        var completedWhileBlocked = idle.IsCompleted; // the handler cannot return before release is set
        release.SetResult();
        await idle;

        Assert.That(completedWhileBlocked, Is.False);
        Assert.That(handler.Returned, Is.True);
    }

    [Test]
    public async Task GetHandlerFaults_HandlerThrows_ListsTheException()
    {
        var failure = new InvalidOperationException("handler bug");
        _network.Register(PartyB, new ThrowingHandler(failure));
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);

        await _network.WhenHandlersIdleAsync();

        Assert.That(_network.GetHandlerFaults(), Is.EqualTo(new Exception[] { failure }));
    }

    [Test]
    public async Task SetInterceptor_CorruptAcceptance_RequesterFailsWithProtocolErrorAndTrafficMatchesTheRun()
    {
        var a = new ProtocolNode(_network, PartyA, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(5));
        var b = new ProtocolNode(_network, PartyB, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(5));
        var random = new Random(3);
        var shared = ReconciliationProtocolTests.Ids(random, 300);
        a.Fake.Add(PartyB, shared);
        b.Fake.Add(PartyA, shared.Concat(ReconciliationProtocolTests.Ids(random, 30)));
        var honest = await a.ReconcileAsync(PartyB);
        await _network.WhenHandlersIdleAsync();
        var honestTraffic = (_network.GetTraffic(PartyA, PartyB).Bytes, _network.GetTraffic(PartyB, PartyA).Bytes);

        // The acceptance's first byte is its message type: inverted, it names no message the requester knows.
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence == 0 ? InMemoryMessageFate.Corrupt(m, 0) : InMemoryMessageFate.Deliver);

        Assert.That(async () => await a.ReconcileAsync(PartyB), Throws.TypeOf<LedgerSyncProtocolException>());
        await _network.WhenHandlersIdleAsync();
        Assert.That(honestTraffic, Is.EqualTo((honest.BytesSent, honest.BytesReceived)));
        Assert.That(_network.GetHandlerFaults(), Is.Empty);
    }

    /// <summary>Records every message of the one session it handles; <see cref="Received"/> completes when the sender completes or the session ends.</summary>
    private sealed class RecordingHandler : IInboundSessionHandler
    {
        private readonly TaskCompletionSource<IReadOnlyList<byte[]>> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _firstReceivedAt;

        public Task<IReadOnlyList<byte[]>> Received => _received.Task;

        public long FirstReceivedAt => Interlocked.Read(ref _firstReceivedAt);

        public async Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default)
        {
            var messages = new List<byte[]>();
            while (await session.ReceiveAsync(cancellationToken) is { } message)
            {
                if (messages.Count == 0)
                {
                    Interlocked.Exchange(ref _firstReceivedAt, Stopwatch.GetTimestamp());
                }

                messages.Add(message.ToArray());
            }

            _received.TrySetResult(messages);
        }
    }

    private sealed class BlockingHandler(Task release) : IInboundSessionHandler
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public bool Returned { get; private set; }

        public async Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default)
        {
            _started.TrySetResult();
            await release.WaitAsync(cancellationToken);
            Returned = true;
        }
    }

    private sealed class ThrowingHandler(Exception failure) : IInboundSessionHandler
    {
        public Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default) => Task.FromException(failure);
    }
}
