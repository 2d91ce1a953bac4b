namespace LedgerSync.Protocol;

/// <summary>
/// How many coded symbols flow, and when. Both sides derive their numbers from the two set sizes, which give a free
/// lower bound on the number of differences d: d ≥ |nResponder − nRequester| (exact when one set contains the other,
/// the usual case after a restore from backup). Decoding d differences needs at least d symbols, so the responder
/// streams that many at once; beyond that the requester grants credit in a small sliding window, so that when it
/// has decoded and says "enough" only a few symbols are in flight.
/// </summary>
internal static class SymbolFlowPolicy
{
    /// <summary>The smallest credit window, in symbols.</summary>
    public const int MinWindow = 4;

    /// <summary>The window is the symbols received so far divided by this.</summary>
    public const int WindowDivisor = 128;

    /// <summary>The most symbols the responder puts in one message (besides the message-size limit): modest, so little is in flight.</summary>
    public const int MaxSymbolsPerChunk = 512;

    /// <summary>The first exchange's size is at least this.</summary>
    public const int MinFirstExchange = 1024;

    /// <summary>Each later exchange is this many times larger than the one before.</summary>
    public const int ExchangeGrowth = 8;

    /// <summary>The free lower bound on the number of differences.</summary>
    public static long LowerBound(long requesterSize, long responderSize) => Math.Abs(responderSize - requesterSize);

    /// <summary>
    /// The most symbols a responder sends in one run (flood protection for both sides): twice the largest possible
    /// difference plus a margin, and never more than an encoder can hold.
    /// </summary>
    public static long SymbolCap(long requesterSize, long responderSize) =>
        Math.Min(Sketches.RatelessEncoder.MaxPrefixLength, (2 * (requesterSize + responderSize)) + 64);

    /// <summary>The symbols the responder streams before any credit: the lower bound (at least one symbol).</summary>
    public static long InitialCredit(long requesterSize, long responderSize) =>
        Math.Min(SymbolCap(requesterSize, responderSize), Math.Max(1, LowerBound(requesterSize, responderSize)));

    /// <summary>
    /// The end index of exchange <paramref name="exchange"/> (1-based): the first is sized from the lower bound
    /// (1.5 d + 64, or <see cref="MinFirstExchange"/> when the sizes say nothing), each later one
    /// <see cref="ExchangeGrowth"/> times larger, and the last allowed one reaches the cap.
    /// </summary>
    public static long ExchangeEnd(int exchange, int maxExchanges, long requesterSize, long responderSize)
    {
        var cap = SymbolCap(requesterSize, responderSize);
        if (exchange >= maxExchanges)
        {
            return cap;
        }

        var d = LowerBound(requesterSize, responderSize);
        double end = Math.Max(MinFirstExchange, (1.5 * d) + 64);
        for (var i = 1; i < exchange && end < cap; i++)
        {
            end *= ExchangeGrowth;
        }

        return (long)Math.Min(cap, Math.Ceiling(end));
    }

    /// <summary>The credit the requester grants after receiving <paramref name="received"/> symbols, within the exchange's end.</summary>
    public static long NextCredit(long received, long exchangeEnd) =>
        Math.Min(exchangeEnd, received + Math.Max(MinWindow, received / WindowDivisor));
}
