using System.Buffers.Binary;
using System.Net.Sockets;
using LedgerSync.Transport;

namespace LedgerSync.CrashNode;

/// <summary>
/// A test-only peer session over one loopback TCP connection: each message is a 4-byte big-endian length and the bytes;
/// a zero-length frame with the top bit set ends the sender's side. The opener sends its own and the target's party
/// name first (the test trusts loopback; a real transport authenticates).
/// </summary>
public sealed class LoopbackSession(TcpClient client, PartyName counterparty) : IPeerSession
{
    private const uint EndOfSession = 0x8000_0000;
    private readonly NetworkStream _stream = client.GetStream();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _buffer = new byte[64 * 1024];

    public PartyName Counterparty { get; } = counterparty;

    public static async Task WriteNameAsync(NetworkStream stream, PartyName party, CancellationToken cancellationToken)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(party.ToString());
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)bytes.Length);
        await stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<PartyName> ReadNameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var bytes = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return PartyName.Parse(System.Text.Encoding.UTF8.GetString(bytes));
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var header = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)message.Length);
            await _stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var header = new byte[4];
        try
        {
            await _stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length == EndOfSession)
        {
            return null;
        }

        if (length > 64 * 1024 * 1024)
        {
            throw new LedgerSyncProtocolException($"frame of {length} bytes");
        }

        if (_buffer.Length < length)
        {
            _buffer = new byte[length];
        }

        await _stream.ReadExactlyAsync(_buffer.AsMemory(0, (int)length), cancellationToken).ConfigureAwait(false);
        return _buffer.AsMemory(0, (int)length);
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var header = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(header, EndOfSession);
            await _stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        _sendLock.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Opens <see cref="LoopbackSession"/>s to a listener on 127.0.0.1.</summary>
public sealed class LoopbackTransport(PartyName local, int port) : IPeerTransport
{
    public async ValueTask<IPeerSession> OpenSessionAsync(PartyName counterparty, CancellationToken cancellationToken = default)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new PeerUnreachableException(counterparty, $"{counterparty} is not reachable: {e.SocketErrorCode} on 127.0.0.1:{port}", e);
        }

        await LoopbackSession.WriteNameAsync(client.GetStream(), local, cancellationToken).ConfigureAwait(false);
        await LoopbackSession.WriteNameAsync(client.GetStream(), counterparty, cancellationToken).ConfigureAwait(false);
        return new LoopbackSession(client, counterparty);
    }
}
