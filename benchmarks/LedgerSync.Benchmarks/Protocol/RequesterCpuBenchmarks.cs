using BenchmarkDotNet.Attributes;
using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Protocol;

/// <summary>
/// The requester's whole work for one run, as the version-2 initiator does it: encode its <see cref="N"/> IDs under the
/// responder's new key starting from the first burst's prefix (at most 4,096 symbols; no fixed 1,024-symbol minimum),
/// then subtract and peel the responder's symbols in 512-symbol messages until decoded (one-sided: <see cref="D"/>
/// IDs only on the responder's side). The encoder's prefix grows only as symbols arrive, so the cost follows the
/// symbols needed.
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

    [Params(1, 100, 10_000)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Sketches.SketchBenchmarkData.Seed);
        _key = Sketches.SketchBenchmarkData.Key(random);
        _local = Sketches.SketchBenchmarkData.RandomIds(random, N);
        var extra = Sketches.SketchBenchmarkData.RandomIds(random, D);
        var length = (D * 2) + 64;
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
        var burst = SymbolFlowPolicy.FirstBurst(_local.Length, _remoteCount);
        var encoder = new RatelessEncoder(_key, (int)Math.Clamp(burst, 1, ReconciliationInitiator.InitialPrefixLimit), _local.Length);
        encoder.AddRange(_local);
        var decoder = new RatelessDecoder(encoder, _remoteCount);
        for (var first = 0; !decoder.IsDecoded && first < _remoteSymbols.Length; first += SymbolFlowPolicy.MaxSymbolsPerChunk)
        {
            var count = Math.Min(SymbolFlowPolicy.MaxSymbolsPerChunk, _remoteSymbols.Length - first);
            decoder.AddRemoteSymbols(first, _remoteSymbols.AsSpan(first, count));
        }

        return decoder.TryDecode(out var difference) ? difference.RemoteOnly.Count : -1;
    }
}
