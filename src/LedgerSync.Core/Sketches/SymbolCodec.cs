using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LedgerSync.Sketches;

/// <summary>
/// The wire form of a run of consecutive coded symbols:
/// <c>format (1 byte) | first index (varint) | symbol count (varint) | count × symbol</c>, where a symbol is
/// <c>sum (32 bytes, the ID byte order) | checksum (little-endian)</c>, where the checksum is 4 bytes for the
/// first <see cref="FullChecksumSymbols"/> indices and its low 3 bytes after that — 36 or 35 bytes, no index, no
/// count, no padding.
/// </summary>
/// <remarks>
/// The count does not travel: the requester decides the side of a pure symbol's ID by its own membership
/// (an ID in the local set can only be local-only, any other only remote-only), so the count would carry
/// nothing the requester does not know, and purity rests on the 32-bit keyed checksum, the ID's own mapping
/// and membership. Symbols read from the wire have <see cref="CodedSymbol.Count"/> 0. The early symbols hold
/// many IDs, change at every peel and pass the mapping test easily, so they keep 32 checksum bits; a symbol at
/// index i is tested about d·2/(i+2) times and a wrong ID passes its mapping test with probability 2/(i+2), so
/// beyond index 256 24 bits give the same protection. See docs/sketches.md for the error analysis.
/// </remarks>
internal static class SymbolCodec
{
    /// <summary>The format byte of this layout.</summary>
    public const byte FormatVersion = 1;

    /// <summary>How many leading symbols carry the full 32-bit checksum; later ones carry its low 24 bits.</summary>
    public const int FullChecksumSymbols = 256;

    /// <summary>The most bytes one symbol takes on the wire (an early symbol).</summary>
    public const int EncodedSymbolSize = TransactionId.Size + 4;

    /// <summary>The fewest bytes one symbol takes on the wire (any symbol from index <see cref="FullChecksumSymbols"/> on).</summary>
    public const int MinEncodedSymbolSize = TransactionId.Size + 3;

    /// <summary>The checksum bits that travel for a symbol below index <see cref="FullChecksumSymbols"/>: all 32.</summary>
    public const uint FullChecksumMask = uint.MaxValue;

    /// <summary>The checksum bits that travel for a symbol from index <see cref="FullChecksumSymbols"/> on: the low 24.</summary>
    public const uint ReducedChecksumMask = 0x00FF_FFFFu;

    /// <summary>The checksum bits that travel for the symbol at <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ChecksumMask(long index) => index < FullChecksumSymbols ? FullChecksumMask : ReducedChecksumMask;

    /// <summary>The bytes the symbols at indices [<paramref name="firstIndex"/>, <paramref name="firstIndex"/> + <paramref name="count"/>) take, without the header.</summary>
    public static long GetSymbolsSize(long firstIndex, int count)
    {
        var full = Math.Clamp(FullChecksumSymbols - firstIndex, 0, count);
        return (full * EncodedSymbolSize) + ((count - full) * (long)MinEncodedSymbolSize);
    }

    /// <summary>The largest header: format byte plus two varints of an index below 2^26.</summary>
    public const int MaxHeaderSize = 1 + 4 + 4;

    /// <summary>The exact encoded size of <paramref name="count"/> symbols starting at <paramref name="firstIndex"/>.</summary>
    public static int GetEncodedSize(long firstIndex, int count) =>
        checked((int)(1 + WireWriter.GetVarUInt64Size((ulong)firstIndex) + WireWriter.GetVarUInt64Size((ulong)count) + GetSymbolsSize(firstIndex, count)));

    /// <summary>How many symbols starting at <paramref name="firstIndex"/> fit in <paramref name="maxBytes"/> (0 if none).</summary>
    public static int GetMaxSymbolsThatFit(long firstIndex, int maxBytes)
    {
        var room = maxBytes - 1 - WireWriter.GetVarUInt64Size((ulong)firstIndex);
        if (room <= 1)
        {
            return 0;
        }

        var count = room / MinEncodedSymbolSize;
        while (count > 0 && WireWriter.GetVarUInt64Size((ulong)count) + GetSymbolsSize(firstIndex, count) > room)
        {
            count--;
        }

        return count;
    }

    /// <summary>Writes a run of symbols.</summary>
    public static void Write(ref WireWriter writer, long firstIndex, ReadOnlySpan<CodedSymbol> symbols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt64((ulong)firstIndex);
        writer.WriteVarUInt64((ulong)symbols.Length);
        var s = writer.Reserve((int)GetSymbolsSize(firstIndex, symbols.Length));
        for (var i = 0; i < symbols.Length; i++)
        {
            ref readonly var symbol = ref symbols[i];
            BinaryPrimitives.WriteUInt64BigEndian(s, symbol.S0);
            BinaryPrimitives.WriteUInt64BigEndian(s[8..], symbol.S1);
            BinaryPrimitives.WriteUInt64BigEndian(s[16..], symbol.S2);
            BinaryPrimitives.WriteUInt64BigEndian(s[24..], symbol.S3);
            if (firstIndex + i < FullChecksumSymbols)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(s[32..], symbol.Check);
                s = s[EncodedSymbolSize..];
            }
            else
            {
                s[32] = (byte)symbol.Check;
                s[33] = (byte)(symbol.Check >> 8);
                s[34] = (byte)(symbol.Check >> 16);
                s = s[MinEncodedSymbolSize..];
            }
        }
    }

    /// <summary>Encodes a run of symbols into a new array.</summary>
    public static byte[] Encode(long firstIndex, ReadOnlySpan<CodedSymbol> symbols)
    {
        var bytes = new byte[GetEncodedSize(firstIndex, symbols.Length)];
        var writer = new WireWriter(bytes);
        Write(ref writer, firstIndex, symbols);
        return bytes;
    }

    /// <summary>
    /// Reads a run of symbols (at most <paramref name="maxSymbols"/>), validating the format, the index range and
    /// the count against the bytes left before allocating.
    /// </summary>
    public static CodedSymbol[] Read(ref WireReader reader, int maxSymbols, out long firstIndex)
    {
        var format = reader.ReadByte("symbol batch format");
        if (format != FormatVersion)
        {
            throw new LedgerSyncProtocolException(
                $"Unsupported coded-symbol format {format}; this node reads format {FormatVersion}.");
        }

        firstIndex = reader.ReadVarUInt("first symbol index", RatelessEncoder.MaxPrefixLength);
        var count = reader.ReadCount("symbol count", Math.Min(maxSymbols, RatelessEncoder.MaxPrefixLength), MinEncodedSymbolSize);
        if (firstIndex + count > RatelessEncoder.MaxPrefixLength)
        {
            throw new LedgerSyncProtocolException(
                $"Malformed message: symbols {firstIndex} to {firstIndex + count - 1} go past the limit of {RatelessEncoder.MaxPrefixLength}.");
        }

        var symbols = new CodedSymbol[count];
        var s = reader.ReadRaw((int)GetSymbolsSize(firstIndex, count), "coded symbols");
        for (var i = 0; i < symbols.Length; i++)
        {
            ref var symbol = ref symbols[i];
            symbol.S0 = BinaryPrimitives.ReadUInt64BigEndian(s);
            symbol.S1 = BinaryPrimitives.ReadUInt64BigEndian(s[8..]);
            symbol.S2 = BinaryPrimitives.ReadUInt64BigEndian(s[16..]);
            symbol.S3 = BinaryPrimitives.ReadUInt64BigEndian(s[24..]);
            if (firstIndex + i < FullChecksumSymbols)
            {
                symbol.Check = BinaryPrimitives.ReadUInt32LittleEndian(s[32..]);
                s = s[EncodedSymbolSize..];
            }
            else
            {
                symbol.Check = s[32] | ((uint)s[33] << 8) | ((uint)s[34] << 16);
                s = s[MinEncodedSymbolSize..];
            }
        }

        return symbols;
    }

    /// <summary>Decodes a whole message that holds exactly one run of symbols (trailing bytes are rejected).</summary>
    public static CodedSymbol[] Decode(ReadOnlySpan<byte> message, int maxSymbols, out long firstIndex)
    {
        var reader = new WireReader(message);
        var symbols = Read(ref reader, maxSymbols, out firstIndex);
        reader.EnsureEnd("coded symbols");
        return symbols;
    }
}
