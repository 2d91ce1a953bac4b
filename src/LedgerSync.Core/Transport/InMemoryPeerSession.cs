using System.Threading.Channels;

namespace LedgerSync.Transport;

/// <summary>One end of an in-memory session.</summary>
internal sealed class InMemoryPeerSession : IPeerSession
{
    private readonly InMemoryNetwork _network;
    private readonly InMemorySessionCore _core;
    private readonly InMemorySessionDirection _outbound;
    private readonly InMemorySessionDirection _inbound;
    private int _disposed;

    public InMemoryPeerSession(InMemoryNetwork network, InMemorySessionCore core, bool isOpener)
    {
        _network = network;
        _core = core;
        _outbound = isOpener ? core.OpenerToAcceptor : core.AcceptorToOpener;
        _inbound = isOpener ? core.AcceptorToOpener : core.OpenerToAcceptor;
        Local = isOpener ? core.Opener : core.Acceptor;
        Counterparty = isOpener ? core.Acceptor : core.Opener;
    }

    public PartyName Counterparty { get; }

    public PartyName Local { get; }

    public long SessionId => _core.Id;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (message.Length > _network.MaxMessageSize)
        {
            throw new MaxMessageSizeExceededException(message.Length, _network.MaxMessageSize, $"A message to {Counterparty}");
        }

        if (_core.IsKilled || _outbound.ReceiverClosed.IsCancellationRequested)
        {
            throw SessionClosed();
        }

        var payload = message.ToArray();
        var sequence = _outbound.NextSequence();
        _network.CountSent(Local, Counterparty, payload.Length);
        if (_outbound.IsStalled)
        {
            return;
        }

        var fate = _network.Tap(Local, Counterparty, _core.Id, sequence, payload);
        var delay = _network.Latency;
        switch (fate.Kind)
        {
            case InMemoryDeliveryKind.Drop:
                _network.OnMessageLost(_core.Id, Local, Counterparty, sequence, "dropped");
                return;
            case InMemoryDeliveryKind.Stall:
                _outbound.StallSender();
                _network.OnMessageLost(_core.Id, Local, Counterparty, sequence, "stalled");
                return;
            case InMemoryDeliveryKind.KillSession:
                _network.OnSessionKilled(_core);
                throw SessionClosed();
            case InMemoryDeliveryKind.Replace:
                payload = fate.Replacement.ToArray();
                break;
            case InMemoryDeliveryKind.Delay:
                delay += fate.Delay;
                break;
            case InMemoryDeliveryKind.Deliver:
                break;
            default:
                throw new InvalidOperationException($"Unknown message fate {fate.Kind}.");
        }

        var deliverAt = delay > TimeSpan.Zero ? _network.TimeProvider.GetUtcNow() + delay : DateTimeOffset.MinValue;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _outbound.ReceiverClosed);
        try
        {
            await _outbound.Queue.Writer.WriteAsync(new InMemoryEnvelope(payload, deliverAt), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw SessionClosed();
        }
        catch (ChannelClosedException)
        {
            throw SessionClosed();
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_core.IsKilled)
        {
            return null;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _core.Killed);
        InMemoryEnvelope envelope;
        try
        {
            if (!await _inbound.Queue.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false)
                || !_inbound.Queue.Reader.TryRead(out envelope))
            {
                return null;
            }

            var wait = envelope.DeliverAt - _network.TimeProvider.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _network.TimeProvider, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // killed
        }

        if (_core.IsKilled)
        {
            return null;
        }

        if (envelope.Payload.Length > _network.MaxMessageSize)
        {
            throw new LedgerSyncProtocolException(
                $"{Counterparty} sent a message of {envelope.Payload.Length} bytes, more than the maximum message size of {_network.MaxMessageSize} bytes.");
        }

        return envelope.Payload;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        _outbound.Queue.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // What this end already sent stays readable by the peer; what the peer sends from now on is refused.
            _outbound.Queue.Writer.TryComplete();
            _inbound.CloseReceiver();
            _network.OnSessionEndDisposed(_core, Local);
        }

        return ValueTask.CompletedTask;
    }

    private LedgerSyncException SessionClosed() =>
        new($"The session {_core.Id} with {Counterparty} is closed; the message was not delivered.");
}
