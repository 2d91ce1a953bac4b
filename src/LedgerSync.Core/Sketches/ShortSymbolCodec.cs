using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LedgerSync.Sketches;

/// <summary>
/// The wire form of a run of consecutive coded symbols over 8-byte short IDs (protocol versions 4 and 5):
/// <c>first index (varint) | symbol count (varint) | count × symbol</c>, where a symbol is
/// <c>sum (8 bytes, little-endian) | checksum (little-endian)</c>: the low 3 checksum bytes for the first
/// <see cref="SymbolCodec.FullChecksumSymbols"/> indices, the low 2 after — 11 or 10 bytes a symbol.
/// </summary>
/// <remarks>
/// The sketch is built over the short IDs (<see cref="ShortIds"/>), so only the first word of a sum is ever non-zero.
/// The responder decodes these symbols against its own set: a pure symbol whose short ID it holds is recognised by
/// membership (64 bits), so the checksum only guards the requester-only side and 24 then 16 bits suffice (see
/// docs/sketches.md and the zero-wrong-decode trials).
/// </remarks>
internal static class ShortSymbolCodec
{
    /// <summary>The bytes of a symbol's sum.</summary>
    public const int SumSize = 8;

    /// <summary>The bytes one symbol takes below index <see cref="SymbolCodec.FullChecksumSymbols"/>.</summary>
    public const int EarlySymbolSize = SumSize + 3;

    /// <summary>The bytes one symbol takes from index <see cref="SymbolCodec.FullChecksumSymbols"/> on.</summary>
    public const int LateSymbolSize = SumSize + 2;

    /// <summary>The checksum bits an early symbol carries.</summary>
    public const uint EarlyChecksumMask = 0x00FF_FFFFu;

    /// <summary>The checksum bits a later symbol carries.</summary>
    public const uint LateChecksumMask = 0x0000_FFFFu;

    /// <summary>The largest header: two varints of an index below 2^26.</summary>
    public const int MaxHeaderSize = 4 + 4;

    /// <summary>The bytes the symbols at indices [<paramref name="firstIndex"/>, <paramref name="firstIndex"/> + <paramref name="count"/>) take, without the header.</summary>
    public static long GetSymbolsSize(long firstIndex, long count)
    {
        var early = Math.Clamp(SymbolCodec.FullChecksumSymbols - firstIndex, 0, count);
        return (early * EarlySymbolSize) + ((count - early) * LateSymbolSize);
    }

    /// <summary>The exact encoded size of <paramref name="count"/> symbols starting at <paramref name="firstIndex"/>.</summary>
    public static int GetEncodedSize(long firstIndex, int count) =>
        checked((int)(WireWriter.GetVarUInt64Size((ulong)firstIndex) + WireWriter.GetVarUInt64Size((ulong)count) + GetSymbolsSize(firstIndex, count)));

    /// <summary>How many symbols starting at <paramref name="firstIndex"/> fit in <paramref name="maxBytes"/> with the header (0 if none).</summary>
    public static int GetMaxSymbolsThatFit(long firstIndex, int maxBytes)
    {
        var room = maxBytes - MaxHeaderSize;
        if (room < EarlySymbolSize)
        {
            return 0;
        }

        var count = room / LateSymbolSize;
        while (count > 0 && GetSymbolsSize(firstIndex, count) > room)
        {
            count--;
        }

        return count;
    }

    /// <summary>Writes a run of symbols.</summary>
    public static void Write(ref WireWriter writer, long firstIndex, ReadOnlySpan<CodedSymbol> symbols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        writer.WriteVarUInt64((ulong)firstIndex);
        writer.WriteVarUInt64((ulong)symbols.Length);
        var s = writer.Reserve((int)GetSymbolsSize(firstIndex, symbols.Length));
        for (var i = 0; i < symbols.Length; i++)
        {
            ref readonly var symbol = ref symbols[i];
            BinaryPrimitives.WriteUInt64LittleEndian(s, symbol.S0);
            s[SumSize] = (byte)symbol.Check;
            s[SumSize + 1] = (byte)(symbol.Check >> 8);
            if (IsEarly(firstIndex + i))
            {
                s[SumSize + 2] = (byte)(symbol.Check >> 16);
                s = s[EarlySymbolSize..];
            }
            else
            {
                s = s[LateSymbolSize..];
            }
        }
    }

    /// <summary>
    /// Reads a run of at most <paramref name="maxSymbols"/> symbols, validating the index range and the count against
    /// the bytes left before allocating. Symbols read have <see cref="CodedSymbol.Count"/> 0.
    /// </summary>
    public static CodedSymbol[] Read(ref WireReader reader, int maxSymbols, out long firstIndex)
    {
        firstIndex = reader.ReadVarUInt("first symbol index", RatelessEncoder.MaxPrefixLength);
        var count = reader.ReadCount("symbol count", Math.Min(maxSymbols, RatelessEncoder.MaxPrefixLength), LateSymbolSize);
        if (firstIndex + count > RatelessEncoder.MaxPrefixLength)
        {
            throw new LedgerSyncProtocolException(
                $"Malformed message: symbols {firstIndex} to {firstIndex + count - 1} go past the limit of {RatelessEncoder.MaxPrefixLength}.");
        }

        var s = reader.ReadRaw((int)GetSymbolsSize(firstIndex, count), "coded symbols");
        var symbols = new CodedSymbol[count];
        for (var i = 0; i < symbols.Length; i++)
        {
            ref var symbol = ref symbols[i];
            symbol.S0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
            var check = s[SumSize] | ((uint)s[SumSize + 1] << 8);
            if (IsEarly(firstIndex + i))
            {
                check |= (uint)s[SumSize + 2] << 16;
                s = s[EarlySymbolSize..];
            }
            else
            {
                s = s[LateSymbolSize..];
            }

            symbol.Check = check;
        }

        return symbols;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsEarly(long index) => index < SymbolCodec.FullChecksumSymbols;
}
