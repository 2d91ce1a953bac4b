using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LedgerSync.Sketches;

/// <summary>
/// Writes the primitives of every LedgerSync protocol message (one codec for all messages): bytes, fixed-size
/// little-endian integers, LEB128 varints (zig-zag for signed values), transaction IDs and length-prefixed byte
/// strings. Writes into a caller-provided span (throws if it is too small; size messages first with the
/// <c>Get…Size</c> helpers) or into an <see cref="IBufferWriter{T}"/> (call <see cref="Flush"/> at the end).
/// </summary>
internal ref struct WireWriter
{
    private readonly IBufferWriter<byte>? _output;
    private Span<byte> _span;
    private int _position;
    private long _flushed;

    /// <summary>Writes into <paramref name="destination"/>.</summary>
    public WireWriter(Span<byte> destination)
    {
        _span = destination;
        _output = null;
    }

    /// <summary>Writes into <paramref name="output"/>; call <see cref="Flush"/> when done.</summary>
    public WireWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _span = output.GetSpan();
    }

    /// <summary>The number of bytes written so far.</summary>
    public readonly long BytesWritten => _flushed + _position;

    /// <summary>The bytes written so far (span mode only).</summary>
    public readonly ReadOnlySpan<byte> Written => _output is null ? _span[.._position] : throw new InvalidOperationException("Not available when writing to an IBufferWriter.");

    public static int GetVarUInt64Size(ulong value) => value < 0x80 ? 1 : (64 - System.Numerics.BitOperations.LeadingZeroCount(value) + 6) / 7;

    public static int GetVarInt64Size(long value) => GetVarUInt64Size(ZigZag(value));

    public static int GetBytesSize(int length) => GetVarUInt64Size((uint)length) + length;

    public static int GetUtf8StringSize(string value) => GetBytesSize(Encoding.UTF8.GetByteCount(value));

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void WriteVarUInt64(ulong value)
    {
        var span = Reserve(GetVarUInt64Size(value));
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i] = (byte)value;
    }

    public void WriteVarInt64(long value) => WriteVarUInt64(ZigZag(value));

    public void WriteTransactionId(TransactionId id) => id.WriteTo(Reserve(TransactionId.Size));

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Writes a varint length followed by the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt64((uint)bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>Writes a varint byte length followed by the UTF-8 bytes.</summary>
    public void WriteUtf8String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt64((uint)length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    /// <summary>Reserves <paramref name="length"/> bytes, returns them for the caller to fill, and advances past them.</summary>
    public Span<byte> Reserve(int length)
    {
        if (_span.Length - _position < length)
        {
            Grow(length);
        }

        var reserved = _span.Slice(_position, length);
        _position += length;
        return reserved;
    }

    /// <summary>Commits the bytes written so far to the <see cref="IBufferWriter{T}"/> (no-op in span mode).</summary>
    public void Flush()
    {
        if (_output is null || _position == 0)
        {
            return;
        }

        _output.Advance(_position);
        _flushed += _position;
        _position = 0;
        _span = _output.GetSpan();
    }

    private void Grow(int length)
    {
        if (_output is null)
        {
            throw new InvalidOperationException(
                $"The message buffer is too small: {length} more bytes needed after {_position}, {_span.Length - _position} left.");
        }

        _output.Advance(_position);
        _flushed += _position;
        _position = 0;
        _span = _output.GetSpan(length);
    }
}
