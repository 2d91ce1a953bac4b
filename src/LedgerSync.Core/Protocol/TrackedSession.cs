using LedgerSync.Diagnostics;
using LedgerSync.Transport;

namespace LedgerSync.Protocol;

/// <summary>
/// A peer session as the protocol uses it: counts every byte of every message in the run's tracker, records waits,
/// and turns silence longer than the session timeout into <see cref="PeerSessionTimeoutException"/>.
/// </summary>
internal sealed class TrackedSession(IPeerSession session, RunTracker? tracker, TimeProvider timeProvider, TimeSpan timeout)
{
    public IPeerSession Session { get; } = session;

    public PartyName Counterparty => Session.Counterparty;

    public RunTracker? Tracker { get; } = tracker;

    /// <summary>Bytes sent on this session so far.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Bytes received on this session so far.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Sends one message; a peer that does not take it within the session timeout (it stopped reading) fails the run.</summary>
    public async ValueTask SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        var send = Session.SendAsync(message, cancellationToken);
        if (!send.IsCompletedSuccessfully)
        {
            try
            {
                await send.AsTask().WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new PeerSessionTimeoutException(Counterparty, "the peer to read the messages already sent", timeout);
            }
        }

        BytesSent += message.Length;
        Tracker?.AddBytesSent(message.Length);
    }

    /// <summary>Starts receiving the next message without a timeout (see <see cref="AwaitAsync"/>).</summary>
    public Task<ReadOnlyMemory<byte>?> StartReceive(CancellationToken cancellationToken) => Session.ReceiveAsync(cancellationToken).AsTask();

    /// <summary>Receives the next message (<see langword="null"/> at the end of the session), waiting at most the session timeout.</summary>
    public Task<ReadOnlyMemory<byte>?> ReceiveAsync(string waitingFor, CancellationToken cancellationToken) =>
        AwaitAsync(StartReceive(cancellationToken), waitingFor, cancellationToken);

    /// <summary>Waits for a receive started by <see cref="StartReceive"/>, at most the session timeout.</summary>
    public async Task<ReadOnlyMemory<byte>?> AwaitAsync(Task<ReadOnlyMemory<byte>?> receive, string waitingFor, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? message;
        if (receive.IsCompleted)
        {
            message = await receive.ConfigureAwait(false);
        }
        else
        {
            Tracker?.WaitingOn(RunWaitReason.PeerMessage);
            try
            {
                message = await receive.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new PeerSessionTimeoutException(Counterparty, waitingFor, timeout);
            }
            finally
            {
                Tracker?.WaitingOn(RunWaitReason.None);
            }
        }

        if (message is { } bytes)
        {
            BytesReceived += bytes.Length;
            Tracker?.AddBytesReceived(bytes.Length);
        }

        return message;
    }

    /// <summary>Sends an abort, ignoring failures (the session may already be gone).</summary>
    public async ValueTask TryAbortAsync(AbortCode code, string reason, long size = 0, long limit = 0)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
            try
            {
                await SendAsync(ProtocolCodec.EncodeAbort(code, reason, size, limit), cts.Token).ConfigureAwait(false);
            }
            catch (MaxMessageSizeExceededException)
            {
                await SendAsync(ProtocolCodec.EncodeAbort(code, string.Empty, size, limit), cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is LedgerSyncException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Best effort: the peer will see the end of the session instead.
        }
    }
}
