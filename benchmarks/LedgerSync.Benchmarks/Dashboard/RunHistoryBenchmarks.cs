using BenchmarkDotNet.Attributes;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Status;
using LedgerSync.Status;
using Microsoft.Data.Sqlite;

namespace LedgerSync.Benchmarks.Dashboard;

/// <summary>
/// One page (20 runs) of a party's run history, as the dashboard's party page reads it, from a party with
/// <see cref="Runs"/> past runs in both roles (every 10th failed, every 3rd with 10 differences) among 100 parties:
/// the SQLite status store (a file database; one windowed query over the party's history rows) and the in-memory
/// store (which keeps the newest 1 000 runs per party and role, so at most 2 000 here). <c>Newest</c> is the first
/// page, <c>Oldest</c> the last one kept.
/// </summary>
[MemoryDiagnoser]
public class RunHistoryBenchmarks : IAsyncDisposable
{
    private static readonly PartyName Party = PartyName.Parse("O=Counterparty 0042 & Co, L=London, C=GB");

    private string _path = null!;
    private IReconciliationRunHistory _history = null!;
    private int _kept;

    /// <summary>The number of runs the party has (half in each role).</summary>
    [Params(1000, 10_000)]
    public int Runs { get; set; } = 1000;

    /// <summary>The store: <c>sqlite</c> or <c>memory</c>.</summary>
    [Params("sqlite", "memory")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task GlobalSetup()
    {
        _path = Path.Combine(Path.GetTempPath(), "ledgersync-history-bench-" + Guid.NewGuid().ToString("N") + ".db");
        IStatusStore store = Store == "memory"
            ? new InMemoryStatusStore()
            : new SqlStatusStore(SqlDialect.Sqlite, () => new SqliteConnection($"Data Source={_path};Pooling=True"));
        var recorder = new ReconciliationStatusRecorder(store);
        var random = new Random(42);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var other = 0; other < 100; other++)
        {
            var party = other == 42 ? Party : PartyName.Parse($"O=Counterparty {other:D4} & Co, L=London, C=GB");
            var runs = other == 42 ? Runs : 10;
            for (var i = 0; i < runs; i++)
            {
                var isRequester = i % 2 == 0;
                var runId = Guid.NewGuid();
                var at = start.AddMinutes(i);
                await recorder.RecordStartedAsync(party, isRequester, runId, at);
                var end = i % 10 == 0
                    ? new ReconciliationRunEnd(party, isRequester, runId, ReconciliationState.Failed, at.AddSeconds(3), null, "the counterparty was busy")
                    : i % 3 == 0
                        ? new ReconciliationRunEnd(party, isRequester, runId, ReconciliationState.DifferencesFound, at.AddSeconds(2), [.. Enumerable.Range(0, 10).Select(_ => TransactionId.Random(random))])
                        : new ReconciliationRunEnd(party, isRequester, runId, ReconciliationState.DifferencesNotFound, at.AddSeconds(1));
                await recorder.RecordFinishedAsync(end);
            }
        }

        _history = (IReconciliationRunHistory)store;
        _kept = Store == "memory" ? Math.Min(Runs, 2 * InMemoryStatusStore.RunHistoryLimit) : Runs;
        if ((await _history.ReadRunsAsync(new ReconciliationRunQuery { Party = Party, Skip = _kept - 1, Take = 20 })).Count != 1)
        {
            throw new InvalidOperationException($"Expected {_kept} runs in the history.");
        }
    }

    /// <summary>The first page: the 20 newest runs.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> Newest() => (await _history.ReadRunsAsync(new ReconciliationRunQuery { Party = Party, Take = 20 })).Count;

    /// <summary>The last page: the 20 oldest runs.</summary>
    [Benchmark]
    public async Task<int> Oldest() => (await _history.ReadRunsAsync(new ReconciliationRunQuery { Party = Party, Skip = _kept - 20, Take = 20 })).Count;

    [GlobalCleanup]
    public async Task GlobalCleanup() => await DisposeAsync();

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        SqliteConnection.ClearAllPools();
        if (_path is not null && File.Exists(_path))
        {
            File.Delete(_path);
        }

        return ValueTask.CompletedTask;
    }
}
