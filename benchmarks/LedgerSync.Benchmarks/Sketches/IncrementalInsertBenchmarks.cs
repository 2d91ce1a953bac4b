using BenchmarkDotNet.Attributes;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Sketches;

/// <summary>
/// Adds IDs one at a time to a warm encoder that already holds <see cref="N"/> IDs (what the relevant-set observer
/// does as transactions are recorded). Reported per ID; the IDs are removed again outside the measurement.
/// </summary>
[MemoryDiagnoser]
public class IncrementalInsertBenchmarks
{
    private const int Batch = 100_000;
    private RatelessEncoder _encoder = null!;
    private TransactionId[] _fresh = [];

    [Params(1_000_000)]
    public int N { get; set; }

    [Params(RatelessEncoder.DefaultPrefixLength, 16_384)]
    public int PrefixLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(SketchBenchmarkData.Seed);
        _encoder = new RatelessEncoder(SketchBenchmarkData.Key(random), PrefixLength, N + Batch);
        _encoder.AddRange(SketchBenchmarkData.RandomIds(random, N));
        _fresh = SketchBenchmarkData.RandomIds(random, Batch);
    }

    [IterationSetup]
    public void RemoveFresh()
    {
        foreach (var id in _fresh)
        {
            _encoder.Remove(id);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Add()
    {
        var added = 0;
        foreach (var id in _fresh)
        {
            if (_encoder.Add(id))
            {
                added++;
            }
        }

        return added;
    }
}
