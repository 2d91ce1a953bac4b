using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LedgerSync.Sketches;

/// <summary>
/// SipHash (Aumasson and Bernstein), written for this library because System.IO.Hashing offers no keyed PRF.
/// <see cref="Hash13"/> is the fast path used by sketches: SipHash-1-3 of exactly 32 bytes given as four
/// little-endian words. <see cref="Hash"/> is the general byte-oriented form (any c, d), used to check the
/// fast path against the published SipHash-2-4 test vectors.
/// </summary>
internal static class SipHash
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash13(ulong k0, ulong k1, ulong m0, ulong m1, ulong m2, ulong m3)
    {
        var v0 = k0 ^ 0x736f6d6570736575UL;
        var v1 = k1 ^ 0x646f72616e646f6dUL;
        var v2 = k0 ^ 0x6c7967656e657261UL;
        var v3 = k1 ^ 0x7465646279746573UL;

        v3 ^= m0;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= m0;
        v3 ^= m1;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= m1;
        v3 ^= m2;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= m2;
        v3 ^= m3;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= m3;

        const ulong LastBlock = 32UL << 56;
        v3 ^= LastBlock;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= LastBlock;

        v2 ^= 0xff;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    public static ulong Hash(ulong k0, ulong k1, ReadOnlySpan<byte> data, int compressionRounds, int finalizationRounds)
    {
        var v0 = k0 ^ 0x736f6d6570736575UL;
        var v1 = k1 ^ 0x646f72616e646f6dUL;
        var v2 = k0 ^ 0x6c7967656e657261UL;
        var v3 = k1 ^ 0x7465646279746573UL;

        var whole = data.Length & ~7;
        for (var offset = 0; offset < whole; offset += 8)
        {
            var m = BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);
            v3 ^= m;
            for (var r = 0; r < compressionRounds; r++)
            {
                Round(ref v0, ref v1, ref v2, ref v3);
            }

            v0 ^= m;
        }

        var last = (ulong)(data.Length & 0xff) << 56;
        for (var i = whole; i < data.Length; i++)
        {
            last |= (ulong)data[i] << (8 * (i - whole));
        }

        v3 ^= last;
        for (var r = 0; r < compressionRounds; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        v0 ^= last;
        v2 ^= 0xff;
        for (var r = 0; r < finalizationRounds; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        return v0 ^ v1 ^ v2 ^ v3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }
}
