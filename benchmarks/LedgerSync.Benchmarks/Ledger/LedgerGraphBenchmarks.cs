using BenchmarkDotNet.Attributes;
using LedgerSync.Ledger;

namespace LedgerSync.Benchmarks.Ledger;

/// <summary>Building the ledger graph from an in-memory source, and computing a relevant set cold.</summary>
[MemoryDiagnoser]
public class LedgerGraphBenchmarks
{
    private InMemoryTransactionSource _source = null!;
    private LedgerGraph _graph = null!;
    private LedgerShape _shape = null!;
    private LedgerSyncOptions _options = null!;

    [Params(100_000, 1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _shape = new LedgerShape();
        _options = new LedgerSyncOptions { LocalParty = _shape.Local, TransactionReaderPageSize = 1_000 };
        _source = new InMemoryTransactionSource(new LedgerShape().Take(N));
        _graph = new LedgerGraph(_options);
        _graph.InitializeAsync(_source).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public long Build()
    {
        var graph = new LedgerGraph(_options);
        graph.InitializeAsync(_source).GetAwaiter().GetResult();
        return graph.Count;
    }

    /// <summary>A relevant set computed from scratch (what the first request for a counterparty costs).</summary>
    [Benchmark]
    public int RelevantSetCold()
    {
        lock (_graph.SyncRoot)
        {
            var set = new RelevantSet(_graph, _shape.Local, _shape.Counterparty);
            set.Build();
            return set.Count;
        }
    }
}
