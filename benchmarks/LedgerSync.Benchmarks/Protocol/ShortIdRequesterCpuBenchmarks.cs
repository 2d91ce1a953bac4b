using BenchmarkDotNet.Attributes;
using LedgerSync.Benchmarks.Wire;
using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Protocol;

/// <summary>
/// The requester's whole work for one one-sided run in the version 4 design study (<see cref="ShortIdDesignScenario"/>):
/// the 8-byte keyed short ID of each of its <see cref="N"/> IDs, the <see cref="LocalSketch"/> of those short IDs with
/// its difference estimator, and the first burst's symbols (1.35·L + 3.5·√L for L = <see cref="D"/>) written in runs of
/// at most <see cref="SymbolFlowPolicy.MaxSymbolsPerChunk"/>. The requester no longer decodes: that is the responder's
/// work. Compare with <see cref="RequesterCpuBenchmarks"/>, version 3's requester.
/// </summary>
[MemoryDiagnoser]
public class ShortIdRequesterCpuBenchmarks
{
    private TransactionId[] _local = [];
    private SketchKey _key;
    private SketchKey _shortKey;

    [Params(1_000_000)]
    public int N { get; set; }

    [Params(1, 10, 100, 1_000, 10_000)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Sketches.SketchBenchmarkData.Seed);
        _key = Sketches.SketchBenchmarkData.Key(random);
        _shortKey = Sketches.SketchBenchmarkData.Key(random);
        _local = Sketches.SketchBenchmarkData.RandomIds(random, N);
    }

    [Benchmark]
    public long EncodeFirstBurst()
    {
        var responderSize = (long)_local.Length + D;
        var cap = SymbolFlowPolicy.SymbolCap(_local.Length, responderSize);
        var burst = Math.Min(cap, ShortIdDesignScenario.FirstBurst(D));
        var shortIds = ShortIdDesignScenario.Shorten(_shortKey, _local);
        var sketch = new LocalSketch(_key, shortIds, (int)burst, (int)cap, trackDifferences: true);
        var symbols = new CodedSymbol[SymbolFlowPolicy.MaxSymbolsPerChunk];
        var wire = new byte[16 + (SymbolFlowPolicy.MaxSymbolsPerChunk * 12)];
        long bytes = 0;
        for (long sent = 0; sent < burst; sent += symbols.Length)
        {
            var run = symbols.AsSpan(0, (int)Math.Min(symbols.Length, burst - sent));
            sketch.CopySymbols(sent, run);
            bytes += ShortIdDesignScenario.Write(wire, sent, run);
        }

        return bytes;
    }
}
