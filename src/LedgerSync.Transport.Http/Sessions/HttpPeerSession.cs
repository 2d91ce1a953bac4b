using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

/// <summary>
/// One LedgerSync session carried by one HTTP/2 stream: each direction is a sequence of frames, a 4-byte big-endian
/// length followed by that many bytes of message. The end of a direction's body is the half-close; a stream reset is
/// an abort. A frame header that announces more than the maximum message size is refused before its body is read.
/// </summary>
internal abstract partial class HttpPeerSession : IPeerSession
{
    private const int HeaderSize = 4;

    private readonly int _maxMessageSize;
    private readonly TimeSpan _sessionTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _receiveBuffer = [];
    private long _bytesSent;
    private long _bytesReceived;
    private int _state; // 0 open, 1 disposed
    private bool _sendCompleted;
    private bool _receiveCompleted;
    private bool _preambleRead;

    protected HttpPeerSession(PartyName counterparty, int maxMessageSize, TimeSpan sessionTimeout, TimeProvider timeProvider, ILogger logger)
    {
        Counterparty = counterparty;
        _maxMessageSize = maxMessageSize;
        _sessionTimeout = sessionTimeout;
        _timeProvider = timeProvider;
        Logger = logger;
    }

    /// <inheritdoc />
    public PartyName Counterparty { get; }

    /// <summary>Frame bytes (headers included) written to the peer.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Frame bytes (headers included) read from the peer.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    protected bool IsDisposed => Volatile.Read(ref _state) != 0;

    protected ILogger Logger { get; }

    protected abstract PipeReader Reader { get; }

    /// <summary>The writer of this side's body (the client waits until the request body has started).</summary>
    protected abstract ValueTask<PipeWriter> GetWriterAsync(CancellationToken cancellationToken);

    /// <summary>Ends this side's body normally.</summary>
    protected abstract ValueTask CompleteWriterAsync(CancellationToken cancellationToken);

    /// <summary>Resets the HTTP/2 stream: the peer sees an error on its next read or write.</summary>
    protected abstract void Abort();

    /// <summary>Releases the HTTP resources once the session is over.</summary>
    protected abstract ValueTask ReleaseAsync();

    /// <inheritdoc />
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (message.Length > _maxMessageSize)
        {
            throw new MaxMessageSizeExceededException(message.Length, _maxMessageSize, $"A message to {Counterparty}");
        }

        ObjectDisposedException.ThrowIf(IsDisposed, this);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sendCompleted)
            {
                throw new InvalidOperationException($"The session with {Counterparty} was completed; nothing more can be sent.");
            }

            using var timeout = new CancellationTokenSource(_sessionTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                var writer = await GetWriterAsync(linked.Token).ConfigureAwait(false);
                var header = writer.GetSpan(HeaderSize);
                BinaryPrimitives.WriteUInt32BigEndian(header, (uint)message.Length);
                writer.Advance(HeaderSize);
                writer.Write(message.Span);
                var flushed = await writer.FlushAsync(linked.Token).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    throw new PeerConnectionException(Counterparty, $"{Counterparty} closed the session while this node was still sending.");
                }

                Interlocked.Add(ref _bytesSent, HeaderSize + message.Length);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Log.SessionTimedOut(Logger, Counterparty, "send", _sessionTimeout);
                Abort();
                throw new PeerSessionTimeoutException(Counterparty, "the peer to accept the next message (back-pressure)", _sessionTimeout);
            }
            catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
            {
                Log.SessionBroken(Logger, Counterparty, e.Message);
                throw new PeerConnectionException(Counterparty, $"The session with {Counterparty} broke while sending: {e.Message}", e);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_receiveCompleted)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(_sessionTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            if (!_preambleRead)
            {
                await ReadPreambleAsync(linked.Token).ConfigureAwait(false);
            }

            var result = await Reader.ReadAtLeastAsync(HeaderSize, linked.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length < HeaderSize)
            {
                Reader.AdvanceTo(buffer.End);
                if (buffer.Length == 0 && result.IsCompleted)
                {
                    _receiveCompleted = true;
                    return null;
                }

                throw Truncated(buffer.Length, HeaderSize);
            }

            Span<byte> header = stackalloc byte[HeaderSize];
            buffer.Slice(0, HeaderSize).CopyTo(header);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length > (uint)Math.Min(_maxMessageSize, int.MaxValue - HeaderSize))
            {
                Reader.AdvanceTo(buffer.Start);
                Log.OversizeFrameRefused(Logger, Counterparty, length, _maxMessageSize);
                Abort();
                throw new LedgerSyncProtocolException(
                    $"{Counterparty} announced a message of {length} bytes, more than the maximum message size of {_maxMessageSize} bytes; the session was closed without reading it.");
            }

            var total = HeaderSize + (int)length;
            if (buffer.Length < total)
            {
                Reader.AdvanceTo(buffer.Start, buffer.End);
                result = await Reader.ReadAtLeastAsync(total, linked.Token).ConfigureAwait(false);
                buffer = result.Buffer;
                if (buffer.Length < total)
                {
                    Reader.AdvanceTo(buffer.End);
                    throw Truncated(buffer.Length, total);
                }
            }

            if (_receiveBuffer.Length < (int)length)
            {
                _receiveBuffer = new byte[Math.Max((int)length, Math.Min(_maxMessageSize, _receiveBuffer.Length * 2))];
            }

            buffer.Slice(HeaderSize, length).CopyTo(_receiveBuffer);
            Reader.AdvanceTo(buffer.GetPosition(total));
            Interlocked.Add(ref _bytesReceived, total);
            return new ReadOnlyMemory<byte>(_receiveBuffer, 0, (int)length);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.SessionTimedOut(Logger, Counterparty, "receive", _sessionTimeout);
            Abort();
            throw new PeerSessionTimeoutException(Counterparty, "the next message", _sessionTimeout);
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            Log.SessionBroken(Logger, Counterparty, e.Message);
            throw new PeerConnectionException(Counterparty, $"The session with {Counterparty} broke while receiving: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sendCompleted)
            {
                return;
            }

            try
            {
                await CompleteWriterAsync(cancellationToken).ConfigureAwait(false);
                _sendCompleted = true;
            }
            catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
            {
                throw new PeerConnectionException(Counterparty, $"The session with {Counterparty} broke while completing it: {e.Message}", e);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 1) != 0)
        {
            return;
        }

        // A side that ended its body normally needs no reset: the rest (an unread request or response body) is
        // released by ReleaseAsync or by the server when the request ends.
        if (!Volatile.Read(ref _sendCompleted))
        {
            Log.SessionAborted(Logger, Counterparty);
            Abort();
        }

        await ReleaseAsync().ConfigureAwait(false);
        _sendLock.Dispose();
        GC.SuppressFinalize(this);
    }

    private async ValueTask ReadPreambleAsync(CancellationToken cancellationToken)
    {
        var preambleLength = SessionProtocol.Preamble.Length;
        var result = await Reader.ReadAtLeastAsync(preambleLength, cancellationToken).ConfigureAwait(false);
        var buffer = result.Buffer;
        if (buffer.Length < preambleLength)
        {
            Reader.AdvanceTo(buffer.End);
            throw Truncated(buffer.Length, preambleLength);
        }

        Span<byte> preamble = stackalloc byte[preambleLength];
        buffer.Slice(0, preambleLength).CopyTo(preamble);
        Reader.AdvanceTo(buffer.GetPosition(preambleLength));
        if (!preamble.SequenceEqual(SessionProtocol.Preamble))
        {
            Abort();
            throw new LedgerSyncProtocolException(
                $"{Counterparty} does not speak LedgerSync session framing version {SessionProtocol.Preamble[^1]} (its body starts with {Convert.ToHexString(preamble)}).");
        }

        _preambleRead = true;
        Interlocked.Add(ref _bytesReceived, preambleLength);
    }

    private LedgerSyncProtocolException Truncated(long have, long need)
    {
        Abort();
        return new LedgerSyncProtocolException($"The session with {Counterparty} ended in the middle of a message ({have} of {need} bytes).");
    }

    private static bool IsConnectionFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        LedgerSyncException => false,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        IOException or HttpRequestException or ObjectDisposedException or InvalidOperationException => true,
        _ => false,
    };
}
