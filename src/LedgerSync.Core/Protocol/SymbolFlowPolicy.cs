using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>
/// How many coded symbols flow, and when (protocol version 5). The requester streams its symbols in rounds: it sizes
/// the first from the two set sizes (or from the two difference estimators when the sizes are equal), and the
/// responder, which decodes, sizes every later one with a credit; both sides check every round against the symbol cap
/// and the round limit (<c>maxNumberOfIbfFilterFlows</c>).
/// </summary>
/// <remarks>
/// <para>The set sizes give a free lower bound on the number of differences, d ≥ L = |nResponder − nRequester|
/// (exact when one set contains the other, the usual case after a restore from backup). It sizes the first round:
/// 1.35 L + 3.5√L symbols (<see cref="BurstFor"/>), which decodes a one-sided difference of L in the first round
/// in most runs. When the sizes are equal, the responder's difference estimator comes with its acceptance and the
/// requester sizes the first round from the two estimators; when they differ by 64 or more, the requester's estimator
/// goes before its first symbols, for the responder to size a second round. The bound is a sizing hint only: whether
/// decoding is complete is decided by the symbols alone (<see cref="RatelessDecoder.IsDecoded"/>).</para>
/// <para>After a round that did not decode, the responder estimates d from the received symbols that were empty on
/// arrival (<see cref="RatelessDecoder.EstimateDifferences"/>), combined with the estimators' comparison when it has
/// one, and asks for the decoder's 99th percentile of that estimate (<see cref="NextCredit"/>); while no symbol was
/// empty and no estimate exists, the round grows fourfold and the responder's estimator goes with the credit.</para>
/// </remarks>
internal static class SymbolFlowPolicy
{
    /// <summary>The smallest credit step, in symbols.</summary>
    public const int MinWindow = 4;

    /// <summary>Once the estimate is reached, each further step is the symbols received divided by this.</summary>
    public const int WindowDivisor = 16;

    /// <summary>While no symbol came in empty (no estimate yet), the credit grows this many times per round trip.</summary>
    public const int BlindGrowth = 4;

    /// <summary>The most symbols the requester puts in one message (besides the message-size limit): modest, so little is in flight when the responder decodes.</summary>
    public const int MaxSymbolsPerChunk = 512;

    /// <summary>Symbols per difference of the lower bound that bound what one run can decode (decoding needs about 1.35 per difference).</summary>
    public const double FirstBurstPerDifference = 1.45;

    /// <summary>
    /// The largest lower bound a run can decode: beyond it the first burst alone would exceed the longest prefix an
    /// encoder holds, so a hello or acceptance announcing such sizes is refused before anything is allocated.
    /// </summary>
    public const long MaxDecodableDifferences = (long)(RatelessEncoder.MaxPrefixLength / FirstBurstPerDifference);

    /// <summary>The free lower bound on the number of differences (a sizing hint, never a stopping criterion).</summary>
    public static long LowerBound(long requesterSize, long responderSize) => Math.Abs(responderSize - requesterSize);

    /// <summary>Whether a run between sets of these sizes can be decoded at all (see <see cref="MaxDecodableDifferences"/>).</summary>
    public static bool IsDecodable(long requesterSize, long responderSize) =>
        LowerBound(requesterSize, responderSize) <= MaxDecodableDifferences;

    /// <summary>
    /// The most symbols a requester sends in one run (flood protection for both sides): twice the largest possible
    /// difference plus a margin, and never more than an encoder can hold.
    /// </summary>
    public static long SymbolCap(long requesterSize, long responderSize) =>
        Math.Min(RatelessEncoder.MaxPrefixLength, (2 * (requesterSize + responderSize)) + 64);

    /// <summary>
    /// The requester's first round when the sizes alone say how large d is: 1 symbol when |nB − nA| ≤ 1 (symbol 0
    /// decodes a single difference), else <see cref="BurstFor"/> the lower bound, within the cap.
    /// </summary>
    public static long FirstBurst(long requesterSize, long responderSize) =>
        Math.Min(SymbolCap(requesterSize, responderSize), BurstFor(LowerBound(requesterSize, responderSize)));

    /// <summary>
    /// The symbols a round sized for <paramref name="d"/> differences streams: 1 for d ≤ 1, else 1.35 d + 3.5√d (about
    /// the decoder's 92nd percentile at d = 10 and its 98th–99th from d = 100 on; one round that usually decodes costs
    /// less than a short round and a top-up, with 10-byte symbols).
    /// </summary>
    public static long BurstFor(double d) =>
        d <= 1 ? 1 : (long)Math.Ceiling((1.35 * d) + (3.5 * Math.Sqrt(d)));

    /// <summary>The requester sends its difference estimator before its first round when the sizes differ by at least this much (and the responder's did not come with the acceptance).</summary>
    public const long RequesterEstimatorFrom = 64;

    /// <summary>
    /// The round sized from the two difference estimators (<paramref name="estimate"/>, the comparison's most likely d):
    /// <see cref="BurstFor"/> the estimate or the lower bound, whichever is more, at least <paramref name="minimumEnd"/>
    /// and within the cap.
    /// </summary>
    public static long EstimatedRound(double estimate, long lowerBound, long minimumEnd, long cap) =>
        Math.Min(cap, Math.Max(minimumEnd, BurstFor(Math.Max(lowerBound, Math.Ceiling(estimate)))));

    /// <summary>
    /// The round the requester sizes from the estimators when the responder's came with a credit (the sizes differ by 1
    /// to 63 and the first round did not decode): that round is the last of the three-round-trip budget, with nothing
    /// but the comparison of the responder's fine estimator with this node's to size it. It is the decoder's median
    /// need for the estimate d̂ (at least the lower bound), 1.35 d̂ + 0.7√d̂, raised by <see cref="LateEstimateMargin"/>
    /// standard deviations of the need's logarithm — the estimator's (<see cref="DifferenceEstimator.FineDeviation"/>)
    /// and the decoder's own (0.89/√d̂) combined as a root sum of squares — plus <see cref="SmallDifferenceAllowance"/>
    /// for the decoder's heavier tail at small d; at least <paramref name="minimumEnd"/>, within the cap.
    /// </summary>
    /// <remarks>
    /// With the compact estimator (80 bytes, 27 %) and a margin of 2 deviations on the estimate alone (×1.72), 14–22 %
    /// of the bytes came after decoding at d ≈ 500–10,000 and 1–2 % of runs needed a fourth round trip (docs/protocol.md,
    /// "Sizes 1 to 63 apart"). At d̂ = 1,000 the round is now 1,748 symbols, 1.27 × the median need.
    /// </remarks>
    public static long RoundFromLateEstimate(double estimate, long lowerBound, long minimumEnd, long cap)
    {
        if (estimate < 1)
        {
            return Math.Min(cap, Math.Max(minimumEnd, BurstFor(lowerBound)));
        }

        var d = Math.Max(estimate, lowerBound);
        var median = (1.35 * d) + (0.7 * Math.Sqrt(d));
        var decoderSpread = DecoderSpread / Math.Sqrt(d);
        var spread = Math.Sqrt((DifferenceEstimator.FineDeviation * DifferenceEstimator.FineDeviation) + (decoderSpread * decoderSpread));
        var round = (long)Math.Ceiling(median * Math.Exp(LateEstimateMargin * spread)) + SmallDifferenceAllowance(d);
        return Math.Min(cap, Math.Max(minimumEnd, round));
    }

    /// <summary>
    /// The decoder's own spread: one standard deviation of the logarithm of the symbols it needs is about this over √d
    /// (its 99th percentile, 1.35 d + 3.5√d, is 2.33 of them above its median, 1.35 d + 0.7√d).
    /// </summary>
    public const double DecoderSpread = 0.89;

    /// <summary>Standard deviations of the need's logarithm that <see cref="RoundFromLateEstimate"/> adds to the median need.</summary>
    public const double LateEstimateMargin = 2.33;

    /// <summary>
    /// The symbols a round sized for <paramref name="d"/> differences adds for the decoder's tail at small d:
    /// 16·e^(−d/64), rounded (the small-d term of <see cref="FinalTarget"/>; none from d = 200 on). The decoder's 99th
    /// percentile is 15, 28, 45 and 75 symbols at d = 3, 7, 15 and 31, where <see cref="BurstFor"/> gives 11, 19, 34 and
    /// 62 (with 10·e^(−d/32), 0.5–0.9 % of two-sided runs at d = 7–63 needed a fourth round trip).
    /// </summary>
    public static long SmallDifferenceAllowance(double d) => (long)Math.Round(16 * Math.Exp(-d / 64));

    /// <summary>
    /// The round end the responder asks for after receiving <paramref name="received"/> symbols without decoding,
    /// within <paramref name="exchangeEnd"/>: the estimate-based target (<paramref name="estimate"/>, at least the
    /// lower bound), or fourfold growth while there is no estimate; at least one step more than received, a step
    /// being 1/16 of it or 2√received (at least <see cref="MinWindow"/>) doubled for each of the
    /// <paramref name="tailStalls"/> round trips already spent past the estimate (so a decoder that needs more than the
    /// estimate says is not fed four symbols per round trip).
    /// </summary>
    /// <param name="received">Symbols received so far.</param>
    /// <param name="exchangeEnd">The most symbols a round may reach without an estimate (the cap).</param>
    /// <param name="estimate">The estimate of d (<see cref="CombineEstimates"/>), if there is one.</param>
    /// <param name="lowerBound">|nB − nA|.</param>
    /// <param name="tailStalls">Round trips already spent past the estimate.</param>
    /// <param name="lastRoundTrip">
    /// Whether the symbols granted now arrive in the last round trip of the budget (the third): then the target covers
    /// the 99th percentile of the need (<see cref="FinalTarget"/>); before that, the second round trip aims at about
    /// the 95th (<see cref="EarlyTarget"/>) and leaves the rest to the third.
    /// </param>
    /// <param name="stuckSymbols">
    /// The received symbols still not empty. Past the estimate they hold the few IDs left, which can share their symbols
    /// for a long stretch of indices, so the step is at least <see cref="StuckGrowth"/> × received / stuck symbols.
    /// </param>
    public static long NextCredit(long received, long exchangeEnd, double? estimate, long lowerBound, int tailStalls = 0, bool lastRoundTrip = true, long stuckSymbols = 0)
    {
        var step = Math.Max(Math.Max(MinWindow, received / WindowDivisor), (long)Math.Ceiling(2 * Math.Sqrt(received))) << Math.Clamp(tailStalls, 0, 8);
        if (estimate is { } d)
        {
            // An estimate from the symbols themselves may take the exchange past its ceiling (not past the cap).
            var target = lastRoundTrip ? FinalTarget(d, lowerBound) : EarlyTarget(d, lowerBound);
            if (target <= received + step && stuckSymbols > 0)
            {
                // Past the estimate: the rest is a few IDs that share their symbols (with no such step, one two-sided run
                // in about 600 at d = 5–15 took small steps to the last round, which goes to the cap; with 2.5 ×, 2 in
                // about 4,600 at d = 7 still did, 2 IDs stuck in 4 symbols through 41, 67 and 109 symbols).
                step = Math.Max(step, (long)Math.Ceiling(StuckGrowth * received / stuckSymbols));
            }

            return Math.Max(target, received + step);
        }

        var blind = Math.Max(received * BlindGrowth, (long)Math.Ceiling(FirstBurstPerDifference * lowerBound));
        return Math.Min(exchangeEnd, Math.Max(blind, received + step));
    }

    /// <summary>
    /// Past the estimate, the step is at least this many times the symbols received per symbol still not empty: with 2 IDs
    /// stuck in 4 symbols a round grows threefold (12 of 6,000 two-sided runs at d = 5–15 got there, and each decoded in
    /// that round).
    /// </summary>
    public const double StuckGrowth = 8;

    /// <summary>
    /// Whether the requester's first request for more symbols should carry its difference estimator: when the received
    /// symbols give no estimate (none arrived empty) or one far above the lower bound — the sizes then say little about
    /// d (nearly equal sizes, a two-sided difference). A one-sided difference the first burst just missed is sized from
    /// the symbols as before.
    /// </summary>
    public static bool ShouldSendEstimator(double? estimate, long lowerBound) =>
        estimate is not { } d || d > 2.0 * Math.Max(lowerBound, 1);

    /// <summary>
    /// The estimate of d that sizes credit: the estimate from the received symbols (<paramref name="fromSymbols"/>, from
    /// <paramref name="emptySymbols"/> symbols that arrived empty) combined with the one from the estimators' comparison
    /// (<paramref name="fromEstimator"/>, if the responder sent one), their logarithms weighted by their precision (the
    /// estimators' is within about 27 %, one standard deviation; the symbols' within about 40 %/√(empty symbols)), then
    /// raised by <see cref="UncertaintyMargin"/> standard deviations of the combination, so that a grant sized from it
    /// rarely falls short (the next round trip) while little is granted beyond the need once the estimate is precise.
    /// </summary>
    /// <param name="fromSymbols">The estimate from the received symbols.</param>
    /// <param name="emptySymbols">How many received symbols arrived empty.</param>
    /// <param name="fromEstimator">The responder's estimate from the estimators' comparison, if any.</param>
    /// <param name="margin">Standard deviations added: <see cref="UncertaintyMargin"/> for the last round trip's grant, 0 for the central estimate.</param>
    public static double? CombineEstimates(double? fromSymbols, int emptySymbols, double? fromEstimator, double margin = UncertaintyMargin)
    {
        const double EstimatorPrecision = 1 / (DifferenceEstimator.CompactDeviation * DifferenceEstimator.CompactDeviation);
        var symbolsPrecision = emptySymbols / (0.4 * 0.4);
        var hasEstimator = fromEstimator is { } e && e >= 1;
        var hasSymbols = fromSymbols is { } s && s >= 1 && emptySymbols > 0;
        if (!hasEstimator && !hasSymbols)
        {
            return fromSymbols;
        }

        var precision = (hasEstimator ? EstimatorPrecision : 0) + (hasSymbols ? symbolsPrecision : 0);
        var logMean = ((hasEstimator ? EstimatorPrecision * Math.Log(fromEstimator!.Value) : 0)
            + (hasSymbols ? symbolsPrecision * Math.Log(fromSymbols!.Value) : 0)) / precision;
        return Math.Max(fromSymbols ?? 0, Math.Exp(logMean + (margin / Math.Sqrt(precision))));
    }

    /// <summary>
    /// How many standard deviations above the combined estimate the last round trip's credit is sized for (2.8: with 1.6,
    /// 2% of two-sided runs at d = 10,000 needed a fourth round trip; with 2.3, about 1% at d ≥ 1,000, because the
    /// symbols' spread is ~10% wider than 40 %/√(empty symbols) once more than d symbols arrived).
    /// </summary>
    public const double UncertaintyMargin = 2.8;

    /// <summary>Whether the estimate-based target is already reached, so further credit comes in (doubling) steps.</summary>
    public static bool IsPastEstimate(long received, double? estimate, long lowerBound) =>
        estimate is { } d && FinalTarget(d, lowerBound) <= received + Math.Max(MinWindow, received / WindowDivisor);

    /// <summary>
    /// The symbols an estimate of <paramref name="d"/> differences asks for in the last round trip of the budget:
    /// 1.35 d + 3.5√d + 12, plus 16·e^(−d/64) for the decoder's heavier tail at small d (d at least the lower
    /// bound): above the decoder's 99th percentile at every d (docs/protocol.md: 1.35 d + 3.5–3.8 √d for d ≥ 1,000;
    /// 33 symbols at d = 10, 177 at d = 100), so that with the estimate's own margin the third round trip is the last
    /// in at least 99 runs of 100.
    /// </summary>
    public static long FinalTarget(double d, long lowerBound)
    {
        d = Math.Max(d, lowerBound);
        return (long)Math.Ceiling((1.35 * d) + (3.5 * Math.Sqrt(d)) + 12 + (16 * Math.Exp(-d / 64)));
    }

    /// <summary>
    /// The symbols an estimate of <paramref name="d"/> differences asks for when a later round trip remains in the
    /// budget: 1.35 d + 2.6√d + 6 (d at least the lower bound), about the decoder's 95th percentile; the rest, if
    /// needed, comes with the last round trip's <see cref="FinalTarget"/>. Two steps cost fewer bytes than one sized
    /// for the 99th percentile, since most runs stop after the first.
    /// </summary>
    public static long EarlyTarget(double d, long lowerBound)
    {
        d = Math.Max(d, lowerBound);
        return (long)Math.Ceiling((1.35 * d) + (2.6 * Math.Sqrt(d)) + 6);
    }
}
