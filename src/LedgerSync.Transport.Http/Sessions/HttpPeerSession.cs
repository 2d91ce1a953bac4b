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
    private int _firstFrameReceived;
    private string? _closedReason;
    private readonly int _firstFrameLimit;
    private readonly TimeSpan _helloTimeout;
    private readonly CancellationTokenSource? _helloDeadline;
    private readonly CancellationTokenRegistration _helloRegistration;

    /// <summary>Creates a session whose first incoming message may be as large as any other (the requester's side).</summary>
    protected HttpPeerSession(PartyName counterparty, int maxMessageSize, TimeSpan sessionTimeout, TimeProvider timeProvider, ILogger logger)
        : this(counterparty, maxMessageSize, sessionTimeout, null, timeProvider, logger)
    {
    }

    /// <summary>
    /// Creates a session. With <paramref name="admission"/> (the responder's side), the first incoming message is the
    /// requester's hello: it may be at most <see cref="PreAdmissionLimits.MaxHelloSize"/> bytes and must arrive whole
    /// within <see cref="PreAdmissionLimits.HelloTimeout"/> of this moment, or the stream is reset.
    /// </summary>
    protected HttpPeerSession(PartyName counterparty, int maxMessageSize, TimeSpan sessionTimeout, PreAdmissionLimits? admission, TimeProvider timeProvider, ILogger logger)
    {
        Counterparty = counterparty;
        _maxMessageSize = maxMessageSize;
        _sessionTimeout = sessionTimeout;
        _timeProvider = timeProvider;
        Logger = logger;
        _firstFrameLimit = admission is { } limits ? Math.Min(limits.MaxHelloSize, maxMessageSize) : maxMessageSize;
        if (admission is { } bounded)
        {
            _helloTimeout = bounded.HelloTimeout;
            _helloDeadline = new CancellationTokenSource(bounded.HelloTimeout, timeProvider);
            _helloRegistration = _helloDeadline.Token.Register(static state => ((HttpPeerSession)state!).OnHelloDeadline(), this);
        }
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

            ThrowIfClosed();

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
                var timedOut = new PeerSessionTimeoutException(Counterparty, "the peer to accept the next message (back-pressure)", _sessionTimeout);
                Close(timedOut.Message);
                throw timedOut;
            }
            catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
            {
                throw Broken(e, "sending");
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

        ThrowIfClosed();
        var beforeAdmission = Volatile.Read(ref _firstFrameReceived) == 0;
        using var timeout = new CancellationTokenSource(_sessionTimeout, _timeProvider);
        using var linked = beforeAdmission && _helloDeadline is { } hello
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, hello.Token)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
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
            var limit = beforeAdmission ? _firstFrameLimit : _maxMessageSize;
            if (length > (uint)Math.Min(limit, int.MaxValue - HeaderSize))
            {
                Reader.AdvanceTo(buffer.Start);
                LedgerSyncProtocolException refused;
                if (beforeAdmission && _helloDeadline is not null)
                {
                    Log.PreAdmissionLimitHit(Logger, Counterparty, $"its first message announces {length} bytes, more than the {limit} bytes read before admission (LedgerSync:Http:MaxHelloSize)");
                    refused = new LedgerSyncProtocolException(
                        $"{Counterparty} sent a first message of {length} bytes; at most {limit} bytes (the hello) are read before a session is admitted. The session was closed without reading it.");
                }
                else
                {
                    Log.OversizeFrameRefused(Logger, Counterparty, length, limit);
                    refused = new LedgerSyncProtocolException(
                        $"{Counterparty} announced a message of {length} bytes, more than the maximum message size of {limit} bytes; the session was closed without reading it.");
                }

                Close(refused.Message);
                throw refused;
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
            Volatile.Write(ref _firstFrameReceived, 1);
            return new ReadOnlyMemory<byte>(_receiveBuffer, 0, (int)length);
        }
        catch (OperationCanceledException) when (beforeAdmission && _helloDeadline is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            var timedOut = new PeerSessionTimeoutException(Counterparty, "its hello (the first message of a session)", _helloTimeout);
            Close(timedOut.Message);
            throw timedOut;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.SessionTimedOut(Logger, Counterparty, "receive", _sessionTimeout);
            var timedOut = new PeerSessionTimeoutException(Counterparty, "the next message", _sessionTimeout);
            Close(timedOut.Message);
            throw timedOut;
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            throw Broken(e, "receiving");
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

            ThrowIfClosed();
            try
            {
                await CompleteWriterAsync(cancellationToken).ConfigureAwait(false);
                _sendCompleted = true;
            }
            catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
            {
                throw Broken(e, "completing it");
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

        await _helloRegistration.DisposeAsync().ConfigureAwait(false);
        _helloDeadline?.Dispose();
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
            var wrong = new LedgerSyncProtocolException(
                $"{Counterparty} did not answer as a LedgerSync endpoint (framing version {SessionProtocol.Preamble[^1]}; its body starts with {Convert.ToHexString(preamble)}). Check that its address and path in LedgerSync:Http:Peers point to its LedgerSync endpoint.");
            Close(wrong.Message);
            throw wrong;
        }

        _preambleRead = true;
        Interlocked.Add(ref _bytesReceived, preambleLength);
    }

    private LedgerSyncProtocolException Truncated(long have, long need)
    {
        var truncated = new LedgerSyncProtocolException(
            $"{Counterparty} ended the session in the middle of a message ({have} of {need} bytes arrived); the run can be retried, and if it keeps happening check {Counterparty}'s logs.");
        Close(truncated.Message);
        return truncated;
    }

    /// <summary>Resets the stream and remembers why, so later calls fail with that reason instead of a disposed-object error.</summary>
    private void Close(string reason)
    {
        Interlocked.CompareExchange(ref _closedReason, reason, null);
        Abort();
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closedReason) is { } reason)
        {
            throw new PeerConnectionException(Counterparty, $"The session with {Counterparty} is already closed: {reason}");
        }
    }

    /// <summary>A broken connection in operator terms; the exception chain goes to the log and stays the inner exception.</summary>
    private PeerConnectionException Broken(Exception e, string activity)
    {
        if (Volatile.Read(ref _closedReason) is { } reason)
        {
            return new PeerConnectionException(Counterparty, $"The session with {Counterparty} is already closed: {reason}", e);
        }

        var message = $"The connection to {Counterparty} was closed or reset while {activity}. Check that {Counterparty} is running and reachable; the run can be retried.";
        Log.SessionBroken(Logger, e, Counterparty, activity);
        Close(message);
        return new PeerConnectionException(Counterparty, message, e);
    }

    private void OnHelloDeadline()
    {
        if (Volatile.Read(ref _firstFrameReceived) == 0 && !IsDisposed)
        {
            Log.PreAdmissionLimitHit(Logger, Counterparty, $"its hello did not arrive within {_helloTimeout} (LedgerSync:Http:HelloTimeout)");
            Close($"{Counterparty} did not send its hello within {_helloTimeout}.");
        }
    }

    private static bool IsConnectionFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        LedgerSyncException => false,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        IOException or HttpRequestException or ObjectDisposedException or InvalidOperationException => true,
        _ => false,
    };
}
