using System.Buffers.Binary;
using System.Text;

namespace LedgerSync.Sketches;

/// <summary>
/// Reads the primitives written by <see cref="WireWriter"/> from one whole message. Strict: every length and
/// count is checked against the remaining bytes and a caller-given maximum before anything is allocated,
/// varints must be minimal, and <see cref="EnsureEnd"/> rejects trailing bytes. Anything malformed throws
/// <see cref="LedgerSyncProtocolException"/>.
/// </summary>
internal ref struct WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public WireReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public readonly bool IsAtEnd => _position == _buffer.Length;

    public byte ReadByte(string what) => Take(1, what)[0];

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public TransactionId ReadTransactionId(string what) => new(Take(TransactionId.Size, what));

    public ulong ReadVarUInt64(string what)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                throw new LedgerSyncProtocolException($"Truncated message: the varint {what} ends after {_position} bytes.");
            }

            var b = _buffer[_position++];
            if (shift == 63 && b > 1)
            {
                throw new LedgerSyncProtocolException($"Malformed message: the varint {what} at offset {_position - 1} overflows 64 bits.");
            }

            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                if (b == 0 && shift > 0)
                {
                    throw new LedgerSyncProtocolException($"Malformed message: the varint {what} is not minimally encoded.");
                }

                return value;
            }
        }
    }

    public long ReadVarInt64(string what)
    {
        var raw = ReadVarUInt64(what);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>Reads a non-negative varint and checks it against <paramref name="max"/>.</summary>
    public long ReadVarUInt(string what, long max)
    {
        var value = ReadVarUInt64(what);
        if (value > (ulong)max)
        {
            throw new LedgerSyncProtocolException($"Malformed message: {what} is {value}, more than the maximum of {max}.");
        }

        return (long)value;
    }

    /// <summary>
    /// Reads a count of items of <paramref name="itemSize"/> bytes each and checks it against <paramref name="max"/>
    /// and against the bytes left, so a caller may allocate <c>count</c> items safely.
    /// </summary>
    public int ReadCount(string what, int max, int itemSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        ArgumentOutOfRangeException.ThrowIfNegative(itemSize);
        var count = ReadVarUInt64(what);
        if (count > (ulong)max)
        {
            throw new LedgerSyncProtocolException($"Malformed message: {what} is {count}, more than the maximum of {max}.");
        }

        if (itemSize > 0 && count * (ulong)itemSize > (ulong)Remaining)
        {
            throw new LedgerSyncProtocolException(
                $"Truncated message: {what} is {count} ({count * (ulong)itemSize} bytes), but only {Remaining} bytes remain.");
        }

        return (int)count;
    }

    /// <summary>Reads a varint length (at most <paramref name="maxLength"/>) and that many bytes, without copying.</summary>
    public ReadOnlySpan<byte> ReadBytes(string what, int maxLength)
    {
        var length = ReadCount(what, maxLength, 1);
        return Take(length, what);
    }

    /// <summary>Reads a length-prefixed UTF-8 string of at most <paramref name="maxBytes"/> bytes; rejects invalid UTF-8.</summary>
    public string ReadUtf8String(string what, int maxBytes)
    {
        var bytes = ReadBytes(what, maxBytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new LedgerSyncProtocolException($"Malformed message: {what} is not valid UTF-8.", ex);
        }
    }

    public ReadOnlySpan<byte> ReadRaw(int length, string what) => Take(length, what);

    /// <summary>Throws if any bytes are left.</summary>
    public readonly void EnsureEnd(string what)
    {
        if (_position != _buffer.Length)
        {
            throw new LedgerSyncProtocolException(
                $"Malformed message: {_buffer.Length - _position} unexpected trailing bytes after the {what}.");
        }
    }

    private ReadOnlySpan<byte> Take(int length, string what)
    {
        if (length < 0 || _buffer.Length - _position < length)
        {
            throw new LedgerSyncProtocolException(
                $"Truncated message: {what} needs {length} bytes at offset {_position}, but only {Remaining} remain.");
        }

        var slice = _buffer.Slice(_position, length);
        _position += length;
        return slice;
    }
}
