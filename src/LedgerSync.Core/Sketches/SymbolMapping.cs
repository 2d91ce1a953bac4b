using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LedgerSync.Sketches;

/// <summary>
/// Which coded symbols an ID belongs to, and its purity checksum; both derive from one keyed hash of the ID.
/// </summary>
/// <remarks>
/// <para>
/// Every ID is in symbol 0; after that, an ID is in symbol <c>j</c> with probability <c>1 / (1 + j/2)</c>,
/// independently per symbol (the density of the rateless IBF of Yang, Gilad and Alizadeh, with alpha = 1/2).
/// Instead of a coin per symbol, the gap to the next index is sampled at once: with <c>u</c> uniform in
/// (0, 1], the probability of skipping every index from <c>i + 1</c> to <c>j - 1</c> telescopes to
/// <c>(i + 1)(i + 2) / (j (j + 1))</c>, so the next index is the largest <c>j</c> with
/// <c>j (j + 1) &lt;= (i + 1)(i + 2) / u</c>. IEEE-754 division and square root are correctly rounded, so
/// both sides compute the same indices on every platform.
/// </para>
/// <para>
/// The hash is SipHash-1-3 of the 32 ID bytes under the <see cref="SketchKey"/>. Its high 32 bits are the
/// checksum; the whole 64 bits seed a SplitMix64 generator that draws the gaps.
/// </para>
/// </remarks>
internal static class SymbolMapping
{
    private const double TwoPowMinus53 = 1.0 / (1UL << 53);

    // Indices beyond this are never produced (2^40 symbols would be 40 TiB); the iterator parks there.
    public const long EndOfIndices = 1L << 40;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(in SketchKey key, ulong w0, ulong w1, ulong w2, ulong w3) =>
        SipHash.Hash13(
            key.K0,
            key.K1,
            BinaryPrimitives.ReverseEndianness(w0),
            BinaryPrimitives.ReverseEndianness(w1),
            BinaryPrimitives.ReverseEndianness(w2),
            BinaryPrimitives.ReverseEndianness(w3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(in SketchKey key, in TransactionId id) => Hash(key, id.Word0, id.Word1, id.Word2, id.Word3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Checksum(ulong hash) => (uint)(hash >> 32);

    /// <summary>Returns the next index after <paramref name="current"/> and advances <paramref name="state"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Next(long current, ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        var u = ((z >> 11) + 1) * TwoPowMinus53;

        var a = current + 1.0;
        var q = a * (a + 1.0) / u;
        var j = (Math.Sqrt(1.0 + (4.0 * q)) - 1.0) * 0.5;
        if (j >= EndOfIndices)
        {
            return EndOfIndices;
        }

        var next = (long)j;
        return next > current ? next : current + 1;
    }

    /// <summary>
    /// <see cref="Next(long, ref ulong)"/> for eight independent iterators at once, with the same result bit for bit:
    /// the integer steps are exact, and vector division and square root round as the scalar ones do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Next(ref Vector512<long> current, ref Vector512<ulong> state)
    {
        state += Vector512.Create(0x9E3779B97F4A7C15UL);
        var z = state;
        z = (z ^ (z >>> 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >>> 27)) * Vector512.Create(0x94D049BB133111EBUL);
        z ^= z >>> 31;
        var u = Vector512.ConvertToDouble((z >>> 11) + Vector512<ulong>.One) * Vector512.Create(TwoPowMinus53);

        var a = Vector512.ConvertToDouble(current) + Vector512<double>.One;
        var q = a * (a + Vector512<double>.One) / u;
        var j = (Vector512.Sqrt(Vector512<double>.One + (Vector512.Create(4.0) * q)) - Vector512<double>.One) * Vector512.Create(0.5);
        var past = Vector512.GreaterThanOrEqual(j, Vector512.Create((double)EndOfIndices)).AsInt64();
        var next = Vector512.Max(Vector512.ConvertToInt64(j), current + Vector512<long>.One);
        current = Vector512.ConditionalSelect(past, Vector512.Create(EndOfIndices), next);
    }
}
