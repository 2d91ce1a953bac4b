using BenchmarkDotNet.Attributes;
using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Protocol;

/// <summary>
/// The requester's whole work for one run, as the initiator does it: build the <see cref="LocalSketch"/> of its
/// <see cref="N"/> IDs under the responder's new key (one pass: hash, difference estimator, membership table, and the
/// first burst's symbols), then subtract and peel the responder's symbols in messages of at most
/// <see cref="SymbolFlowPolicy.MaxSymbolsPerChunk"/>, granting further credit from the decoder's estimate as the
/// initiator does and computing local symbols only for the credit granted, until decoded (one-sided: <see cref="D"/>
/// IDs only on the responder's side). No transport: this is the CPU and memory of the requester alone.
/// </summary>
[MemoryDiagnoser]
public class RequesterCpuBenchmarks
{
    private TransactionId[] _local = [];
    private CodedSymbol[] _remoteSymbols = [];
    private SketchKey _key;
    private long _remoteCount;

    [Params(1_000_000)]
    public int N { get; set; }

    [Params(1, 10, 100, 1_000, 10_000)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Sketches.SketchBenchmarkData.Seed);
        _key = Sketches.SketchBenchmarkData.Key(random);
        _local = Sketches.SketchBenchmarkData.RandomIds(random, N);
        var extra = Sketches.SketchBenchmarkData.RandomIds(random, D);
        var length = (D * 2) + 1024;
        var remote = new RatelessEncoder(_key, length, N + D);
        remote.AddRange(_local);
        remote.AddRange(extra);
        _remoteCount = remote.Count;
        _remoteSymbols = new CodedSymbol[length];
        remote.CopySymbols(0, _remoteSymbols);
        if (EncodeAndDecode() != D)
        {
            throw new InvalidOperationException($"{length} symbols did not decode d = {D}.");
        }
    }

    [Benchmark]
    public int EncodeAndDecode()
    {
        long requesterSize = _local.Length;
        var lowerBound = SymbolFlowPolicy.LowerBound(requesterSize, _remoteCount);
        var cap = SymbolFlowPolicy.SymbolCap(requesterSize, _remoteCount);
        var granted = SymbolFlowPolicy.FirstBurst(requesterSize, _remoteCount);
        var sketch = new LocalSketch(
            _key,
            _local,
            (int)Math.Clamp(Math.Min(granted, ReconciliationInitiator.PrefixAllowance(0, _local.Length)), 1, cap),
            (int)cap,
            trackDifferences: true);
        var decoder = new RatelessDecoder(sketch, _remoteCount);
        var tailStalls = 0;
        while (!decoder.IsDecoded)
        {
            var received = decoder.NextExpectedIndex;
            if (received == granted)
            {
                var estimate = SymbolFlowPolicy.CombineEstimates(decoder.EstimateDifferences(), decoder.RawEmptyCount, null);
                var extended = SymbolFlowPolicy.NextCredit(received, cap, estimate, lowerBound, tailStalls);
                if (SymbolFlowPolicy.IsPastEstimate(received, estimate, lowerBound))
                {
                    tailStalls++;
                }

                granted = Math.Min(cap, extended);
                sketch.ComputeAhead(granted, ReconciliationInitiator.PrefixAllowance(received, _local.Length));
            }

            var count = (int)Math.Min(Math.Min(SymbolFlowPolicy.MaxSymbolsPerChunk, granted - received), _remoteSymbols.Length - received);
            if (count <= 0)
            {
                return -1;
            }

            decoder.AddRemoteSymbols(received, _remoteSymbols.AsSpan((int)received, count));
            if (!decoder.IsDecoded)
            {
                sketch.ComputeAhead(granted, ReconciliationInitiator.PrefixAllowance(decoder.NextExpectedIndex, _local.Length));
            }
        }

        return decoder.TryDecode(out var difference) ? difference.RemoteOnly.Count : -1;
    }
}
