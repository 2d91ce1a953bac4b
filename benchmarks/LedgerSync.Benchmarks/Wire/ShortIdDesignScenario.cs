using System.Buffers.Binary;
using System.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Wire;

/// <summary>
/// A design study for the next protocol version, not the wire protocol: the sketch is built over 8-byte keyed
/// <em>short IDs</em> instead of the 32-byte IDs, the <em>requester</em> streams its coded symbols and the
/// <em>responder</em> decodes them against its own (warm) sketch, then answers with the full 32-byte IDs of the
/// transactions the requester lacks. The responder holds those IDs, so none of the 32-byte sums of today's symbols
/// travel; a pure symbol whose short ID is in the responder's set is recognised by membership (64 bits), so the
/// keyed checksum only guards the requester-only side and shrinks to 16 bits from index 256.
/// <para>
/// Messages (each really written and read back, sizes counted as they would travel, one type byte each):
/// <c>Hello(version, nA)</c> → <c>Accepted(version, key, nB [, the responder's 80-byte estimator when nA = nB])</c>;
/// then per round trip the requester sends <c>Symbols</c> runs (format, first index, count, per symbol the 8-byte sum
/// and 3 checksum bytes below index 256, 2 after; at most 512 symbols a run), with its own estimator in the first
/// round when |nB − nA| ≥ 64; the responder answers <c>Result(count, 32 bytes each, requester-only count)</c> once
/// decoded, or <c>Grant(k)</c>. Credit is sized with the protocol's own <see cref="SymbolFlowPolicy"/> (first burst,
/// estimator burst, the second and third round trip's targets), each grant made once the round's symbols are in
/// (no pipelining within a round: zero latency). Bytes after decoding are every symbol run of the round that arrived
/// after the decoder completed (as with latency, where the whole round is on the way).
/// </para>
/// </summary>
internal sealed class ShortIdDesignScenario : IWireScenario
{
    /// <summary>Checksum bits carried below index <see cref="SymbolCodec.FullChecksumSymbols"/>.</summary>
    internal const uint EarlyChecksumMask = 0xFF_FFFF;

    /// <summary>Checksum bits carried from index <see cref="SymbolCodec.FullChecksumSymbols"/> on.</summary>
    internal const uint ReducedChecksumMask = 0xFFFF;

    private const int SumBytes = 8;
    private const int MaxSymbolsPerRun = SymbolFlowPolicy.MaxSymbolsPerChunk;

    public string Name => "design study: 8-byte short IDs, the requester streams, the responder decodes (not the wire protocol)";

    internal static int SymbolSize(long index) => SumBytes + (index < SymbolCodec.FullChecksumSymbols ? 3 : 2);

    /// <summary>
    /// The first burst from the sizes: 1 symbol when |nB − nA| ≤ 1 (symbol 0 decodes a single difference), else
    /// 1.35·L + 3.5·√L, about the decoder's 92nd percentile at L = 10 and its 98th–99th from L = 100 on (today's
    /// 1.45·L + 1 overshoots the need by 7% at large L, which 32-byte symbols could not afford to lower).
    /// </summary>
    internal static long FirstBurst(long lowerBound) =>
        lowerBound <= 1 ? 1 : (long)Math.Ceiling((1.35 * lowerBound) + (3.5 * Math.Sqrt(lowerBound)));

    public WireRunResult Run(WireRunInput input)
    {
        var random = new Random(input.Seed);
        var requesterSw = new Stopwatch();
        var responderSw = new Stopwatch();
        var wall = Stopwatch.StartNew();
        long requesterBytes = 0;
        long responderBytes = 0;
        long afterDecoded = 0;
        var nA = input.RequesterIds.Length;
        var nB = input.ResponderIds.Length;

        // The responder's warm state for this counterparty (kept current by its relevant-set subscription, not timed):
        // its key, its short IDs and the way back to the full IDs, its sketch with the warm prefix, and its estimator.
        var key = SketchKey.FromRandom(random);
        var shortKey = SketchKey.FromRandom(random);
        var responderShort = Shorten(shortKey, input.ResponderIds);
        var fullOf = new Dictionary<TransactionId, TransactionId>(nB);
        for (var i = 0; i < nB; i++)
        {
            fullOf[responderShort[i]] = input.ResponderIds[i];
        }

        var cap = SymbolFlowPolicy.SymbolCap(nA, nB);
        // A warm encoder holds its warm prefix (1/32 of the set, 1,024 to 65,536 symbols) before any request.
        var responderSketch = new LocalSketch(
            key, responderShort, (int)Math.Min(cap, WarmEncoder.WarmPrefixLength(nB)), (int)cap, trackDifferences: true);
        var lowerBound = SymbolFlowPolicy.LowerBound(nA, nB);

        // Round trip 1: hello and acceptance.
        requesterBytes += 2 + WireWriter.GetVarUInt64Size((ulong)nA);
        var responderEstimator = lowerBound == 0;
        responderBytes += 2 + SketchKey.Size + WireWriter.GetVarUInt64Size((ulong)nB) + (responderEstimator ? DifferenceEstimator.EncodedSize : 0);

        // The requester encodes its set under the key and sizes its first burst.
        requesterSw.Start();
        var requesterShort = Shorten(shortKey, input.RequesterIds);
        var requesterSketch = new LocalSketch(key, requesterShort, 1, (int)cap, trackDifferences: true);
        long target;
        double? fromEstimator = null;
        if (responderEstimator)
        {
            var encoded = new byte[DifferenceEstimator.EncodedSize];
            responderSketch.Estimator!.WriteTo(encoded);
            fromEstimator = requesterSketch.Estimator!.Estimate(encoded, out _);
            // Sized for the central estimate like a first burst (about the 92nd–99th percentile of its need), not
            // for the estimate's lower end: with 11-byte symbols one burst that usually decodes costs less than a
            // short burst and a top-up for the 99th percentile of an uncertain estimate.
            target = FirstBurst(Math.Max(lowerBound, (long)Math.Ceiling(fromEstimator.Value)));
        }
        else
        {
            target = FirstBurst(lowerBound);
        }

        requesterSw.Stop();
        // With |nB − nA| ≥ 64 the requester's estimator (80 bytes, under 3% of such a run) lets the responder size the
        // top-up of a skewed two-sided difference; below that it would cost a small run up to a quarter of its bytes.
        var sendEstimator = !responderEstimator && lowerBound >= 64;

        var decoder = new RatelessDecoder(responderSketch, nA, EarlyChecksumMask, ReducedChecksumMask);
        var roundTrips = 1;
        var tailStalls = 0;
        long sent = 0;
        var buffer = new CodedSymbol[MaxSymbolsPerRun];
        var wire = new byte[16 + (MaxSymbolsPerRun * (SumBytes + 4))];
        var read = new CodedSymbol[MaxSymbolsPerRun];
        while (true)
        {
            roundTrips++;
            target = Math.Min(target, cap);
            if (sendEstimator)
            {
                // The requester's estimator travels with its first burst; the responder compares it with its own.
                var encoded = new byte[DifferenceEstimator.EncodedSize];
                requesterSketch.Estimator!.WriteTo(encoded);
                requesterBytes += 1 + encoded.Length;
                responderSw.Start();
                fromEstimator = responderSketch.Estimator!.Estimate(encoded, out _);
                responderSw.Stop();
                sendEstimator = false;
            }

            while (sent < target)
            {
                requesterSw.Start();
                var count = (int)Math.Min(MaxSymbolsPerRun, target - sent);
                requesterSketch.CopySymbols(sent, buffer.AsSpan(0, count));
                var length = Write(wire, sent, buffer.AsSpan(0, count));
                requesterSw.Stop();
                requesterBytes += length;
                if (decoder.IsDecoded)
                {
                    afterDecoded += length;
                    sent += count;
                    continue;
                }

                responderSw.Start();
                var first = Read(wire.AsSpan(0, length), read, out var got);
                decoder.AddRemoteSymbols(first, read.AsSpan(0, got));
                responderSw.Stop();
                sent += count;
            }

            responderSw.Start();
            if (decoder.TryDecode(out var difference))
            {
                // The decoder's local side is the responder's: its local-only IDs are what the requester lacks.
                var missing = difference.LocalOnly.Select(s => fullOf[s]).ToArray();
                responderSw.Stop();
                responderBytes += 1 + WireWriter.GetVarUInt64Size((ulong)missing.Length) + (32L * missing.Length)
                    + WireWriter.GetVarUInt64Size((ulong)difference.RemoteOnly.Count);
                return new WireRunResult(
                    requesterBytes,
                    responderBytes,
                    Exchanges: 1,
                    requesterSw.Elapsed.TotalMilliseconds,
                    responderSw.Elapsed.TotalMilliseconds,
                    missing,
                    difference.RemoteOnly.Count,
                    sent,
                    roundTrips,
                    wall.Elapsed.TotalMilliseconds,
                    afterDecoded);
            }

            if (sent >= cap || decoder.IsAllPeeled)
            {
                responderSw.Stop();
                return new WireRunResult(requesterBytes, responderBytes, 1, requesterSw.Elapsed.TotalMilliseconds, responderSw.Elapsed.TotalMilliseconds, null, null, sent, roundTrips, wall.Elapsed.TotalMilliseconds, afterDecoded);
            }

            // Not decoded: the responder grants the next round, sized like today's requester does.
            var last = roundTrips + 1 >= 3;
            var estimate = SymbolFlowPolicy.CombineEstimates(
                decoder.EstimateDifferences(), decoder.RawEmptyCount, fromEstimator, last ? SymbolFlowPolicy.UncertaintyMargin : 0);
            var next = SymbolFlowPolicy.NextCredit(sent, cap, estimate, lowerBound, tailStalls, last);
            if (SymbolFlowPolicy.IsPastEstimate(sent, estimate, lowerBound))
            {
                tailStalls++;
            }

            responderSw.Stop();
            responderBytes += 1 + WireWriter.GetVarUInt64Size((ulong)(next - sent));
            target = next;
        }
    }

    /// <summary>The 8-byte keyed short ID of every ID, as a <see cref="TransactionId"/> whose other words are zero.</summary>
    internal static TransactionId[] Shorten(SketchKey key, TransactionId[] ids)
    {
        var result = new TransactionId[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            result[i] = new TransactionId(SymbolMapping.Hash(key, ids[i]), 0, 0, 0);
        }

        return result;
    }

    /// <summary>Writes a run: type, format, first index, count, then each symbol's 8-byte sum and its checksum bytes.</summary>
    internal static int Write(Span<byte> destination, long firstIndex, ReadOnlySpan<CodedSymbol> symbols)
    {
        var writer = new WireWriter(destination);
        writer.WriteByte(4);
        writer.WriteByte(2);
        writer.WriteVarUInt64((ulong)firstIndex);
        writer.WriteVarUInt64((ulong)symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            var index = firstIndex + i;
            var span = writer.Reserve(SymbolSize(index));
            BinaryPrimitives.WriteUInt64LittleEndian(span, symbols[i].S0);
            if (index < SymbolCodec.FullChecksumSymbols)
            {
                span[SumBytes] = (byte)symbols[i].Check;
                BinaryPrimitives.WriteUInt16LittleEndian(span[(SumBytes + 1)..], (ushort)(symbols[i].Check >> 8));
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span[SumBytes..], (ushort)symbols[i].Check);
            }
        }

        return (int)writer.BytesWritten;
    }

    /// <summary>Reads a run written by <see cref="Write"/>.</summary>
    internal static long Read(ReadOnlySpan<byte> source, Span<CodedSymbol> destination, out int count)
    {
        var reader = new WireReader(source);
        reader.ReadByte("type");
        reader.ReadByte("format");
        var first = (long)reader.ReadVarUInt("first index", RatelessEncoder.MaxPrefixLength);
        count = (int)reader.ReadVarUInt("count", destination.Length);
        for (var i = 0; i < count; i++)
        {
            var index = first + i;
            var span = reader.ReadRaw(SymbolSize(index), "symbol");
            var check = index < SymbolCodec.FullChecksumSymbols
                ? span[SumBytes] | ((uint)BinaryPrimitives.ReadUInt16LittleEndian(span[(SumBytes + 1)..]) << 8)
                : BinaryPrimitives.ReadUInt16LittleEndian(span[SumBytes..]);
            destination[i] = new CodedSymbol(new TransactionId(BinaryPrimitives.ReadUInt64LittleEndian(span), 0, 0, 0), check, 0);
        }

        reader.EnsureEnd("symbols");
        return first;
    }
}
