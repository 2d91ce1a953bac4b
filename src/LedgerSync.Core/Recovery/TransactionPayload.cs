namespace LedgerSync.Recovery;

/// <summary>
/// The bytes of one transaction served for recovery, with their length known before the first byte is sent (so the
/// responder can apply its size limits without reading the payload). Either bytes already in memory
/// (<see cref="FromBytes"/>) or a stream read chunk by chunk (<see cref="FromStream"/>), so a large transaction is
/// never copied whole on the responder.
/// </summary>
public sealed class TransactionPayload : IAsyncDisposable
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly Stream? _stream;
    private readonly bool _leaveOpen;
    private long _position;

    private TransactionPayload(ReadOnlyMemory<byte> bytes, Stream? stream, long length, bool leaveOpen)
    {
        _bytes = bytes;
        _stream = stream;
        _leaveOpen = leaveOpen;
        Length = length;
    }

    /// <summary>The payload's length in bytes.</summary>
    public long Length { get; }

    /// <summary>A payload held in memory.</summary>
    /// <param name="bytes">The transaction's bytes (not copied; must not change while the payload is served).</param>
    public static TransactionPayload FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes, null, bytes.Length, leaveOpen: true);

    /// <summary>A payload read from <paramref name="stream"/>, which must yield exactly <paramref name="length"/> bytes.</summary>
    /// <param name="stream">The stream, positioned at the payload's first byte.</param>
    /// <param name="length">The payload's length in bytes.</param>
    /// <param name="leaveOpen">Whether disposing the payload leaves <paramref name="stream"/> open.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static TransactionPayload FromStream(Stream stream, long length, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new TransactionPayload(ReadOnlyMemory<byte>.Empty, stream, length, leaveOpen);
    }

    /// <summary>
    /// Reads the next bytes into <paramref name="buffer"/>; returns how many were read, 0 at the end. Reads never go past
    /// <see cref="Length"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream ended before <see cref="Length"/> bytes.</exception>
    internal async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var wanted = (int)Math.Min(buffer.Length, Length - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        int read;
        if (_stream is null)
        {
            _bytes.Span.Slice((int)_position, wanted).CopyTo(buffer.Span);
            read = wanted;
        }
        else
        {
            read = await _stream.ReadAtLeastAsync(buffer[..wanted], wanted, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < wanted)
            {
                throw new InvalidDataException($"The payload stream ended after {_position + read} of its {Length} bytes.");
            }
        }

        _position += read;
        return read;
    }

    /// <summary>Disposes the stream unless it was to be left open.</summary>
    public ValueTask DisposeAsync() => _stream is not null && !_leaveOpen ? _stream.DisposeAsync() : ValueTask.CompletedTask;
}
