using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Transport;

/// <summary>
/// Many LedgerSync nodes in one process, connected by in-memory sessions: for tests (yours and ours) and for trying
/// the library without a network. Each node registers the handler for its inbound sessions
/// (<see cref="Register"/>) and opens sessions through <see cref="CreateTransport"/>. The network authenticates
/// perfectly: each session end knows which node opened it. It can add latency (<see cref="Latency"/>); messages
/// larger than <see cref="MaxMessageSize"/> are refused when sent and rejected when received. Fault injection
/// (dropping, corrupting, truncating, delaying or stalling messages, killing sessions), message observation, traffic
/// counters and handler-fault inspection are test aids in the LedgerSync.Testing package.
/// </summary>
public sealed partial class InMemoryNetwork : IAsyncDisposable
{
    private readonly ConcurrentDictionary<PartyName, IInboundSessionHandler> _handlers = new();
    private readonly ConcurrentDictionary<(PartyName From, PartyName To), TrafficCounter> _traffic = new();
    private readonly ConcurrentDictionary<long, InMemorySessionCore> _sessions = new();
    private readonly ConcurrentDictionary<long, Task> _handlerRuns = new();
    private readonly ConcurrentQueue<Exception> _handlerFaults = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ILogger _logger;
    private long _nextSessionId;
    private int _maxMessageSize = LedgerSyncOptions.DefaultMaxMessageSize;
    private int _capacity = 8;
    private InMemorySendTap? _sendTap;

    /// <summary>Creates an empty network.</summary>
    /// <param name="timeProvider">The clock for latency and delays (default: the system clock).</param>
    /// <param name="loggerFactory">Where the network logs sessions and lost messages (default: nowhere).</param>
    public InMemoryNetwork(TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("LedgerSync.Transport.InMemoryNetwork");
    }

    /// <summary>The clock used for <see cref="Latency"/> and delayed messages.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The largest message, in bytes, a node may send or receive. Default 10 MiB.</summary>
    public int MaxMessageSize
    {
        get => Volatile.Read(ref _maxMessageSize);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _maxMessageSize, value);
        }
    }

    /// <summary>How many messages may wait unread in each direction of a session before a sender waits. Default 8; applies to new sessions.</summary>
    public int QueueCapacity
    {
        get => Volatile.Read(ref _capacity);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _capacity, value);
        }
    }

    /// <summary>The one-way delay added to every message. Default none.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Registers (or replaces) the handler of sessions opened to <paramref name="party"/>.</summary>
    public void Register(PartyName party, IInboundSessionHandler handler)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[party] = handler;
    }

    /// <summary>Removes <paramref name="party"/>: new sessions to it fail as if it were offline. Open sessions continue.</summary>
    public bool Unregister(PartyName party)
    {
        ArgumentNullException.ThrowIfNull(party);
        return _handlers.TryRemove(party, out _);
    }

    /// <summary>Whether a handler is registered for <paramref name="party"/>.</summary>
    public bool IsRegistered(PartyName party) => _handlers.ContainsKey(party);

    /// <summary>Creates the transport node <paramref name="local"/> opens its sessions with; its peers see <paramref name="local"/> as the authenticated counterparty.</summary>
    public IPeerTransport CreateTransport(PartyName local)
    {
        ArgumentNullException.ThrowIfNull(local);
        return new InMemoryPeerTransport(this, local);
    }

    /// <summary>Kills every session, cancels the handlers and waits for them to return.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var core in _sessions.Values)
        {
            core.Kill();
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_handlerRuns.Values).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Faults were recorded in _handlerFaults.
        }

        _shutdown.Dispose();
    }

    internal IPeerSession Open(PartyName opener, PartyName acceptor)
    {
        ObjectDisposedException.ThrowIf(_shutdown.IsCancellationRequested, this);

        if (!_handlers.TryGetValue(acceptor, out var handler))
        {
            throw new PeerUnreachableException(acceptor, $"{acceptor} is not reachable: no node with that identity is registered on the in-memory network.");
        }

        var core = new InMemorySessionCore(Interlocked.Increment(ref _nextSessionId), opener, acceptor, QueueCapacity);
        _sessions[core.Id] = core;
        var openerEnd = new InMemoryPeerSession(this, core, isOpener: true);
        var acceptorEnd = new InMemoryPeerSession(this, core, isOpener: false);
        LogSessionOpened(_logger, core.Id, opener, acceptor);
        // The acceptor runs as if on another node: nothing of the opener's execution context (its current span, its
        // log scopes) flows to it; what it learns about the opener comes through the session.
        using (ExecutionContext.SuppressFlow())
        {
            _handlerRuns[core.Id] = Task.Run(() => RunHandlerAsync(handler, acceptorEnd, core.Id));
        }
        return openerEnd;
    }

    /// <summary>The hook LedgerSync.Testing installs to observe messages and decide their fate; <see langword="null"/> delivers everything.</summary>
    internal InMemorySendTap? SendTap
    {
        get => Volatile.Read(ref _sendTap);
        set => Volatile.Write(ref _sendTap, value);
    }

    /// <summary>The number of sessions not yet closed by both ends.</summary>
    internal int OpenSessions => _sessions.Count;

    /// <summary>The exceptions inbound session handlers threw, oldest first.</summary>
    internal Exception[] SnapshotHandlerFaults() => [.. _handlerFaults];

    /// <summary>What <paramref name="from"/> has sent to <paramref name="to"/> (every message handed to the network, delivered or not) since the network was created or <see cref="ClearTraffic"/> was called.</summary>
    internal (long Messages, long Bytes) ReadTraffic(PartyName from, PartyName to) =>
        _traffic.TryGetValue((from, to), out var counter) ? counter.Read() : default;

    /// <summary>Sets every traffic counter to zero.</summary>
    internal void ClearTraffic() => _traffic.Clear();

    /// <summary>Kills every open session between <paramref name="a"/> and <paramref name="b"/> (either direction); returns how many.</summary>
    internal int KillSessionsBetween(PartyName a, PartyName b)
    {
        var killed = 0;
        foreach (var core in _sessions.Values)
        {
            if ((core.Opener == a && core.Acceptor == b) || (core.Opener == b && core.Acceptor == a))
            {
                OnSessionKilled(core);
                killed++;
            }
        }

        return killed;
    }

    /// <summary>Waits until every inbound handler started so far has returned.</summary>
    internal async Task WaitForHandlersAsync(CancellationToken cancellationToken)
    {
        while (!_handlerRuns.IsEmpty)
        {
            await Task.WhenAll(_handlerRuns.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Shows one message to the <see cref="SendTap"/>, if any, and returns its fate (deliver when there is none).</summary>
    internal InMemoryDelivery Tap(PartyName from, PartyName to, long sessionId, int sequence, byte[] payload) =>
        SendTap?.Invoke(from, to, sessionId, sequence, payload) ?? default;

    internal void CountSent(PartyName from, PartyName to, int bytes) => _traffic.GetOrAdd((from, to), static _ => new TrafficCounter()).Add(bytes);

    internal void OnMessageLost(long sessionId, PartyName from, PartyName to, int sequence, string how) =>
        LogMessageLost(_logger, sessionId, sequence, from, to, how);

    internal void OnSessionKilled(InMemorySessionCore core)
    {
        if (!core.IsKilled)
        {
            LogSessionKilled(_logger, core.Id, core.Opener, core.Acceptor);
        }

        core.Kill();
        _sessions.TryRemove(core.Id, out _);
    }

    internal void OnSessionEndDisposed(InMemorySessionCore core, PartyName end)
    {
        LogSessionEndClosed(_logger, core.Id, end);
        if (core.OpenerToAcceptor.ReceiverClosed.IsCancellationRequested && core.AcceptorToOpener.ReceiverClosed.IsCancellationRequested)
        {
            _sessions.TryRemove(core.Id, out _);
        }
    }

    private async Task RunHandlerAsync(IInboundSessionHandler handler, InMemoryPeerSession session, long sessionId)
    {
        try
        {
            await handler.HandleAsync(session, _shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // The network is shutting down.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _handlerFaults.Enqueue(ex);
            LogHandlerFault(_logger, ex, sessionId, session.Local);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
            _handlerRuns.TryRemove(sessionId, out _);
        }
    }

    private sealed class TrafficCounter
    {
        private long _messages;
        private long _bytes;

        public void Add(int bytes)
        {
            Interlocked.Increment(ref _messages);
            Interlocked.Add(ref _bytes, bytes);
        }

        public (long Messages, long Bytes) Read() => (Interlocked.Read(ref _messages), Interlocked.Read(ref _bytes));
    }
}
