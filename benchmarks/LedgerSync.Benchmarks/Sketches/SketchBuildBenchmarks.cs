using BenchmarkDotNet.Attributes;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Sketches;

/// <summary>Builds the sketch (encoder) of a whole set from scratch.</summary>
[MemoryDiagnoser]
public class SketchBuildBenchmarks
{
    private TransactionId[] _ids = [];
    private SketchKey _key;

    [Params(1_000_000)]
    public int N { get; set; }

    /// <summary>The number of leading symbols maintained while building.</summary>
    [Params(RatelessEncoder.DefaultPrefixLength, 16_384)]
    public int PrefixLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(SketchBenchmarkData.Seed);
        _key = SketchBenchmarkData.Key(random);
        _ids = SketchBenchmarkData.RandomIds(random, N);
    }

    [Benchmark(Baseline = true)]
    public int Build()
    {
        var encoder = new RatelessEncoder(_key, PrefixLength, _ids.Length);
        encoder.AddRange(_ids);
        return encoder.Count;
    }
}
