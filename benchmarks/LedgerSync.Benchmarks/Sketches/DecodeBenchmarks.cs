using BenchmarkDotNet.Attributes;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Sketches;

/// <summary>
/// The requester's work once the remote symbols have arrived: subtract the local symbols (already maintained by
/// the local encoder of <see cref="N"/> IDs) and peel <see cref="D"/> differences (one-sided: all on the remote side).
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private RatelessEncoder _local = null!;
    private CodedSymbol[] _remoteSymbols = [];
    private long _remoteCount;

    [Params(1_000_000)]
    public int N { get; set; }

    [Params(10, 1_000, 100_000)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(SketchBenchmarkData.Seed);
        var key = SketchBenchmarkData.Key(random);
        var common = SketchBenchmarkData.RandomIds(random, N);
        var extra = SketchBenchmarkData.RandomIds(random, D);
        var length = (D * 2) + 64;

        _local = new RatelessEncoder(key, length, N);
        _local.AddRange(common);
        var remote = new RatelessEncoder(key, length, N + D);
        remote.AddRange(common);
        remote.AddRange(extra);
        _remoteCount = remote.Count;
        _remoteSymbols = new CodedSymbol[length];
        remote.CopySymbols(0, _remoteSymbols);

        if (Decode() != D)
        {
            throw new InvalidOperationException($"{length} symbols did not decode d = {D}.");
        }
    }

    [Benchmark]
    public int Decode()
    {
        var decoder = new RatelessDecoder(_local, _remoteCount);
        decoder.AddRemoteSymbols(0, _remoteSymbols);
        return decoder.TryDecode(out var difference) ? difference.RemoteOnly.Count : -1;
    }
}
