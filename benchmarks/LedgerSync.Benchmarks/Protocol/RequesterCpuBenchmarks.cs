using BenchmarkDotNet.Attributes;
using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Protocol;

/// <summary>
/// The requester's whole work for one one-sided run, as the initiator does it (protocol version 5): the 8-byte short
/// ID of each of its <see cref="N"/> IDs under the responder's key, the <see cref="LocalSketch"/> of those short IDs
/// with its difference estimator (one pass), the first round's symbols (1.35·L + 3.5·√L for L = <see cref="D"/>)
/// streamed through the <see cref="RequesterSymbolStream"/> and encoded in messages of at most
/// <see cref="SymbolFlowPolicy.MaxSymbolsPerChunk"/>, then the check of the <see cref="D"/> IDs of the result (absent
/// here, once each). The responder decodes; no transport: this is the CPU and memory of the requester alone.
/// </summary>
[MemoryDiagnoser]
public class RequesterCpuBenchmarks
{
    private TransactionId[] _local = [];
    private TransactionId[] _missing = [];
    private SketchKey _key;

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
        _missing = Sketches.SketchBenchmarkData.RandomIds(random, D);
    }

    [Benchmark]
    public long EncodeAndCheckResult()
    {
        long requesterSize = _local.Length;
        var responderSize = requesterSize + D;
        var cap = SymbolFlowPolicy.SymbolCap(requesterSize, responderSize);
        var roundEnd = SymbolFlowPolicy.FirstBurst(requesterSize, responderSize);
        var sketch = new LocalSketch(_key, ShortIds.Of(_key, _local), 1, (int)cap, trackDifferences: true);
        var stream = new RequesterSymbolStream(sketch, ReconciliationInitiator.SymbolWindowLimit(_local.Length));
        var buffer = new CodedSymbol[SymbolFlowPolicy.MaxSymbolsPerChunk];
        long bytes = 0;
        for (long next = 0; next < roundEnd; next += buffer.Length)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, roundEnd - next));
            stream.Copy(next, chunk, roundEnd);
            bytes += ProtocolCodec.EncodeSymbols(roundEnd, next, chunk).Length;
        }

        var seen = new HashSet<TransactionId>();
        foreach (var id in _missing)
        {
            if (!seen.Add(id) || sketch.Contains(ShortIds.Of(_key, id)))
            {
                throw new InvalidOperationException($"{id} is held here.");
            }
        }

        return bytes;
    }
}
