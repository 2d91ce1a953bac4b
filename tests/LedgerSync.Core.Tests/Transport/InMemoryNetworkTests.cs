using LedgerSync.Testing;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Transport;

public sealed class InMemoryNetworkTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    private InMemoryNetwork _network = null!;
    private EchoHandler _echo = null!;

    [SetUp]
    public void SetUp()
    {
        _network = new InMemoryNetwork();
        _echo = new EchoHandler();
        _network.Register(PartyB, _echo);
    }

    [TearDown]
    public async Task TearDown() => await _network.DisposeAsync();

    [Test]
    public async Task OpenSessionAsync_Registered_EachSideSeesTheOtherAsCounterparty()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 1 });
        await session.ReceiveAsync();

        Assert.That(session.Counterparty, Is.EqualTo(PartyB));
        Assert.That(_echo.SeenCounterparty, Is.EqualTo(PartyA));
    }

    [Test]
    public async Task SendAsync_LargerThanMaxMessageSize_ThrowsMaxMessageSizeExceeded()
    {
        _network.MaxMessageSize = 100;
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);

        Assert.That(async () => await session.SendAsync(new byte[101]),
            Throws.TypeOf<MaxMessageSizeExceededException>().With.Property(nameof(MaxMessageSizeExceededException.Limit)).EqualTo(100));
    }

    [Test]
    public void OpenSessionAsync_Unregistered_ThrowsPeerUnreachable()
    {
        _network.Unregister(PartyB);

        Assert.That(async () => await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB),
            Throws.TypeOf<PeerUnreachableException>().With.Message.Contains(PartyB.ToString()));
    }

    [Test]
    public async Task CompleteAsync_AfterMessages_PeerReadsThemThenNull()
    {
        await using var session = await _network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 7 });
        await session.CompleteAsync();

        var echoed = await session.ReceiveAsync();
        var end = await session.ReceiveAsync();

        Assert.That(echoed!.Value.ToArray(), Is.EqualTo(new byte[] { 7 }));
        Assert.That(end, Is.Null);
    }

    [Test]
    public async Task Latency_FakeClock_DeliversOnlyWhenTheClockAdvances()
    {
        var latency = TimeSpan.FromSeconds(5);
        var time = new TimerObservingTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var network = new InMemoryNetwork(time) { Latency = latency };
        var silent = new SilentHandler(time);
        network.Register(PartyB, silent);
        await using var session = await network.CreateTransport(PartyA).OpenSessionAsync(PartyB);
        var receiverWaits = time.NextTimerAsync(latency, TimeSpan.FromSeconds(10));
        var sentAt = time.GetUtcNow();
        await session.SendAsync(new byte[] { 3 });

        // The receiver holds the message on the fake clock for the whole latency, and gets it when the clock gets there.
        await receiverWaits;
        time.Advance(latency);

        Assert.That((await silent.Ended.WaitAsync(TimeSpan.FromSeconds(10)))!.Value.ToArray(), Is.EqualTo(new byte[] { 3 }));
        Assert.That(silent.ReceivedAt, Is.EqualTo(sentAt + latency));
    }

    private sealed class EchoHandler : IInboundSessionHandler
    {
        public PartyName? SeenCounterparty { get; private set; }

        public async Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default)
        {
            SeenCounterparty = session.Counterparty;
            while (await session.ReceiveAsync(cancellationToken) is { } message)
            {
                await session.SendAsync(message.ToArray(), cancellationToken);
            }

            await session.CompleteAsync(cancellationToken);
        }
    }

    private sealed class SilentHandler(TimeProvider? time = null) : IInboundSessionHandler
    {
        private readonly TaskCompletionSource<ReadOnlyMemory<byte>?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ReadOnlyMemory<byte>?> Ended => _ended.Task;

        /// <summary>The time on the network's clock when the message arrived.</summary>
        public DateTimeOffset? ReceivedAt { get; private set; }

        public async Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default)
        {
            var message = await session.ReceiveAsync(cancellationToken);
            ReceivedAt = time?.GetUtcNow();
            _ended.TrySetResult(message is { } m ? new ReadOnlyMemory<byte>(m.ToArray()) : (ReadOnlyMemory<byte>?)null);
        }
    }
}
