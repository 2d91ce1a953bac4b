using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LedgerSync.Dapper;
using LedgerSync.Dapper.TransactionSources;
using LedgerSync.Ledger;
using Microsoft.Data.Sqlite;

namespace LedgerSync.Benchmarks.Ledger;

/// <summary>
/// <c>graph [--n N] [--json] [--page-size P] [--skip-sqlite]</c>: builds the ledger graph for the benchmark ledger
/// (<see cref="LedgerShape"/>) and prints <c>n, buildMs, bytesPerTransaction, relevantSetMs, sqliteInitMs</c>.
/// </summary>
internal static class GraphReport
{
    // Above this size the in-memory source would hold the ledger twice; a generating source is used instead.
    private const int MaterializeLimit = 2_000_000;

    [Report("graph")]
    public static int Run(string[] args)
    {
        var n = 1_000_000;
        var json = false;
        var pageSize = 1_000;
        var skipSqlite = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--n":
                    n = int.Parse(args[++i], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                    break;
                case "--json":
                    json = true;
                    break;
                case "--page-size":
                    pageSize = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--skip-sqlite":
                    skipSqlite = true;
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: graph [--n N] [--json] [--page-size P] [--skip-sqlite]");
                    return 2;
            }
        }

        var shape = new LedgerShape();
        var options = new LedgerSyncOptions { LocalParty = shape.Local, TransactionReaderPageSize = pageSize };

        // Warm-up (JIT, tiering) on a small ledger, as BenchmarkDotNet would, so the figures show steady-state code.
        var warmUp = new LedgerGraph(options);
        warmUp.InitializeAsync(new InMemoryTransactionSource(new LedgerShape(seed: 1).Take(50_000))).GetAwaiter().GetResult();
        _ = warmUp.GetRelevantSet(shape.Counterparty).Count;
        warmUp = null;

        // Build from an in-memory source; memory is the GC heap growth across the build (the source is alive on both sides).
        ITransactionSource source = n <= MaterializeLimit
            ? new InMemoryTransactionSource(new LedgerShape().Take(n))
            : new GeneratedTransactionSource(n);
        var graph = new LedgerGraph(options);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        graph.InitializeAsync(source).GetAwaiter().GetResult();
        var buildMs = watch.Elapsed.TotalMilliseconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var bytesPerTransaction = (double)(after - before) / n;
        if (graph.Count != n || !graph.IsSelfConsistent)
        {
            Console.Error.WriteLine($"build check failed: count {graph.Count}, self-consistent {graph.IsSelfConsistent}");
            return 1;
        }

        watch.Restart();
        var relevant = graph.GetRelevantSet(shape.Counterparty);
        var relevantSetMs = watch.Elapsed.TotalMilliseconds;
        var relevantSetSize = relevant.Count;
        GC.KeepAlive(source);
        source = null!;
        graph = null!;
        relevant = null!;
        GC.Collect();

        double? sqliteInitMs = skipSqlite ? null : MeasureSqlite(n, options);

        var result = new Dictionary<string, object?>
        {
            ["n"] = n,
            ["buildMs"] = Math.Round(buildMs, 1),
            ["bytesPerTransaction"] = Math.Round(bytesPerTransaction, 1),
            ["relevantSetMs"] = Math.Round(relevantSetMs, 1),
            ["sqliteInitMs"] = sqliteInitMs is { } ms ? Math.Round(ms, 1) : null,
            ["relevantSetSize"] = relevantSetSize,
            ["pageSize"] = pageSize,
            ["poolSize"] = options.TransactionReaderPoolSize,
            ["source"] = n <= MaterializeLimit ? "in-memory" : "generated",
        };

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result));
        }
        else
        {
            foreach (var (key, value) in result)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key,-20} {value ?? "skipped"}"));
            }
        }

        return 0;
    }

    private static double MeasureSqlite(int n, LedgerSyncOptions options)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ledgersync-graph-report-{Environment.ProcessId}.db");
        var connectionString = $"Data Source={path};Pooling=True";
        try
        {
            Populate(connectionString, n);
            var source = new SqlTransactionSource(new SqlTransactionSourceOptions
            {
                ConnectionFactory = () => new SqliteConnection(connectionString),
                Dialect = SqlDialect.Sqlite,
                Query = "SELECT id, dependencies, participants FROM host_transactions",
            });
            var graph = new LedgerGraph(options);
            var watch = Stopwatch.StartNew();
            graph.InitializeAsync(source).GetAwaiter().GetResult();
            var elapsed = watch.Elapsed.TotalMilliseconds;
            if (graph.Count != n || !graph.IsSelfConsistent)
            {
                throw new InvalidOperationException($"SQLite load check failed: count {graph.Count}, self-consistent {graph.IsSelfConsistent}");
            }

            return elapsed;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    // The host's table: one row per transaction, dependency IDs comma-separated, participants ';'-separated.
    private static void Populate(string connectionString, int n)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; DROP TABLE IF EXISTS host_transactions; " +
                "CREATE TABLE host_transactions (id TEXT PRIMARY KEY, dependencies TEXT, participants TEXT) WITHOUT ROWID;";
            create.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO host_transactions VALUES ($id, $dependencies, $participants)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var dependencies = insert.Parameters.Add("$dependencies", SqliteType.Text);
        var participants = insert.Parameters.Add("$participants", SqliteType.Text);
        insert.Prepare();
        var shape = new LedgerShape();
        for (var i = 0; i < n; i++)
        {
            var t = shape.Next();
            id.Value = t.Id.ToString();
            dependencies.Value = string.Join(',', t.Dependencies);
            participants.Value = string.Join(';', t.Participants);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
