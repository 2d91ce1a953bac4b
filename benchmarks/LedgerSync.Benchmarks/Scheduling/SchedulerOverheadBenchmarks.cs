using BenchmarkDotNet.Attributes;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Scheduling;
using LedgerSync.Dapper.Status;
using LedgerSync.Diagnostics;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Benchmarks.Scheduling;

/// <summary>
/// The scheduler's cost per job outside the protocol: schedule N parties and wait until every run has ended, with an
/// initiator that answers at once. One operation = one job (queue, claim, lease, status start and end, tracker).
/// The target is at most 1 ms per job with the in-memory stores; the SQLite row shows what durability costs.
/// </summary>
[MemoryDiagnoser]
public class SchedulerOverheadBenchmarks : IDisposable
{
    private const int Jobs = 200;

    private PartyName[] _parties = null!;
    private ReconciliationScheduler _scheduler = null!;
    private TaskCompletionSource _allEnded = null!;
    private string? _sqlitePath;

    /// <summary>Where statuses and jobs are kept.</summary>
    [Params("InMemory", "Sqlite")]
    public string Store { get; set; } = "InMemory";

    [GlobalSetup]
    public void GlobalSetup() =>
        _parties = [.. Enumerable.Range(1, Jobs).Select(i => PartyName.Parse($"O=Party{i:D5}, L=London, C=GB"))];

    [IterationSetup]
    public void IterationSetup()
    {
        IStatusStore statusStore;
        IReconciliationJobStore jobStore;
        if (Store == "Sqlite")
        {
            _sqlitePath = Path.Combine(Path.GetTempPath(), $"ledgersync-bench-{Guid.NewGuid():N}.db");
            var connectionString = $"Data Source={_sqlitePath}";
            using (var connection = new SqliteConnection(connectionString))
            {
                connection.Open();
                using var wal = connection.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
                wal.ExecuteNonQuery();
            }

            statusStore = new SqlStatusStore(SqlDialect.Sqlite, () => new SqliteConnection(connectionString));
            jobStore = new SqlReconciliationJobStore(SqlDialect.Sqlite, () => new SqliteConnection(connectionString));
        }
        else
        {
            statusStore = new InMemoryStatusStore();
            jobStore = new InMemoryReconciliationJobStore();
        }

        var ended = 0;
        _allEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registry = new ReconciliationRunRegistry(TimeProvider.System, new CompositeRunTelemetryListener(() => [new RunEndedCounter(() =>
        {
            if (Interlocked.Increment(ref ended) == Jobs)
            {
                _allEnded.TrySetResult();
            }
        })]));
        var options = new LedgerSyncOptions { LocalParty = PartyName.Parse("O=PartyA, L=London, C=GB"), MaxNumberOfParallelReconciliationRequests = 3 };
        _scheduler = ReconciliationScheduler.Create(
            new ImmediateInitiator(),
            statusStore,
            jobStore,
            (IReconciliationJobQueries)jobStore,
            new ReadyLedgerGraph(),
            registry,
            Options.Create(options),
            TimeProvider.System,
            NullLogger<ReconciliationScheduler>.Instance);
        _scheduler.StartAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void IterationCleanup()
    {
        _scheduler.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(_sqlitePath + suffix);
            }
        }
    }

    public void Dispose()
    {
        _scheduler?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>Schedules 200 parties at once and waits for all runs to end; reported per job.</summary>
    [Benchmark(OperationsPerInvoke = Jobs)]
    public void ScheduleAndRun()
    {
        _scheduler.ScheduleAsync(_parties).GetAwaiter().GetResult();
        _allEnded.Task.GetAwaiter().GetResult();
    }

    /// <summary>Calls back once per ended run.</summary>
    private sealed class RunEndedCounter(Action onEnded) : RunTelemetryListener
    {
        public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent)
        {
            if (telemetryEvent.Is<RunEndedArguments>(out _))
            {
                onEnded();
            }
        }
    }
}
