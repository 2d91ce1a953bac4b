using System.Numerics;
using System.Runtime.CompilerServices;

namespace LedgerSync.Sketches;

/// <summary>
/// A compact estimator of the size of the symmetric difference of two sets (a strata estimator of XORed
/// fingerprints): every ID goes to level ℓ with probability 2^−(ℓ+1) and to one of <see cref="BucketsPerLevel"/>
/// buckets there, each bucket holding the XOR of a 4-bit fingerprint of its IDs. Two estimators built under the same
/// key differ exactly in the buckets that hold an odd number of differences, or an even number whose fingerprints
/// do not cancel; <see cref="Estimate"/> finds the difference size that makes the observed pattern most likely.
/// </summary>
/// <remarks>
/// Keeping it costs O(1) per ID (<see cref="Toggle"/>, fed with the keyed hash the encoder computes anyway), and it
/// travels in <see cref="EncodedSize"/> bytes. Level, bucket and fingerprint come from one keyed hash, so a third
/// party without the key cannot steer IDs into chosen buckets; a peer that lies only makes the estimate wrong, which
/// sizes a burst of symbols and decides nothing.
/// </remarks>
internal sealed class DifferenceEstimator
{
    /// <summary>Levels 0 to 19; the last one also holds every ID that would go higher.</summary>
    public const int Levels = 20;

    /// <summary>Buckets per level.</summary>
    public const int BucketsPerLevel = 8;

    /// <summary>The wire size: two 4-bit buckets per byte.</summary>
    public const int EncodedSize = Levels * BucketsPerLevel / 2;

    private const ulong Salt = 0xD6E8_FEB8_6659_FD93UL;

    private readonly byte[] _buckets = new byte[Levels * BucketsPerLevel];

    /// <summary>Adds or removes (the same operation) the ID whose keyed hash is <paramref name="hash"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Toggle(ulong hash)
    {
        var z = Mix(hash ^ Salt);
        var level = Math.Min(Levels - 1, BitOperations.TrailingZeroCount(z));
        var bucket = (int)(z >> 61);

        // An odd fingerprint (1, 3, ..., 15): an odd number of IDs never cancels to zero, an even number does so 1 time in 8.
        var fingerprint = (byte)((((uint)(z >> 56) & 0x7) << 1) | 1);
        _buckets[(level * BucketsPerLevel) + bucket] ^= fingerprint;
    }

    /// <summary>Writes the estimator in <see cref="EncodedSize"/> bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        for (var i = 0; i < EncodedSize; i++)
        {
            destination[i] = (byte)(_buckets[2 * i] | (_buckets[(2 * i) + 1] << 4));
        }
    }

    /// <summary>
    /// The most likely number of differences between this estimator's set and the one <paramref name="remote"/> was
    /// written from (<see cref="EncodedSize"/> bytes, built under the same key), and a lower value that the true
    /// number is below only about one time in five (<paramref name="lower"/>).
    /// </summary>
    public double Estimate(ReadOnlySpan<byte> remote, out double lower)
    {
        if (remote.Length != EncodedSize)
        {
            throw new LedgerSyncProtocolException($"Malformed difference estimator: {remote.Length} bytes; it is {EncodedSize}.");
        }

        Span<int> differing = stackalloc int[Levels];
        for (var i = 0; i < EncodedSize; i++)
        {
            var level = (2 * i) / BucketsPerLevel;
            if ((_buckets[2 * i] ^ (remote[i] & 0xF)) != 0)
            {
                differing[level]++;
            }

            if ((_buckets[(2 * i) + 1] ^ (remote[i] >> 4)) != 0)
            {
                differing[level]++;
            }
        }

        return MostLikely(differing, out lower);
    }

    /// <summary>The maximum-likelihood difference for the per-level counts of differing buckets, by a search over a geometric grid.</summary>
    internal static double MostLikely(ReadOnlySpan<int> differing, out double lower)
    {
        var any = false;
        foreach (var count in differing)
        {
            any |= count != 0;
        }

        if (!any)
        {
            lower = 0;
            return 0;
        }

        // Grid: d = 1 · 1.03^k, up to about 2^27.
        const double Step = 1.03;
        const int Points = 640;
        Span<double> logLikelihood = stackalloc double[Points];
        var best = 0;
        var d = 1.0;
        for (var k = 0; k < Points; k++, d *= Step)
        {
            logLikelihood[k] = LogLikelihood(differing, d);
            if (logLikelihood[k] > logLikelihood[best])
            {
                best = k;
            }
        }

        // The lower end of a one-sided 80 % likelihood interval (a drop of 0.84²/2 in log-likelihood).
        var low = best;
        while (low > 0 && logLikelihood[low - 1] >= logLikelihood[best] - 0.35)
        {
            low--;
        }

        lower = Math.Pow(Step, low);
        return Math.Pow(Step, best);
    }

    private static double LogLikelihood(ReadOnlySpan<int> differing, double d)
    {
        double sum = 0;
        for (var level = 0; level < Levels; level++)
        {
            var p = level == Levels - 1 ? Math.Pow(2, -level) : Math.Pow(2, -(level + 1));
            var lambda = d * p / BucketsPerLevel;
            var empty = Math.Exp(-lambda);

            // A bucket looks equal when it holds no difference, or an even number whose fingerprints cancel (1 in 8).
            var evenNonZero = Math.Max(0, ((1 + Math.Exp(-2 * lambda)) / 2) - empty);
            var equal = Math.Clamp(empty + (evenNonZero / 8), 1e-300, 1 - 1e-15);
            sum += (differing[level] * Math.Log(1 - equal)) + ((BucketsPerLevel - differing[level]) * Math.Log(equal));
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
