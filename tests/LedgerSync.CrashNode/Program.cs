using System.Globalization;
using LedgerSync;
using LedgerSync.CrashNode;
using LedgerSync.Dapper;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// Usage: LedgerSync.CrashNode (<sqlite-file> | --postgres <connection-string>) <port> <load-delay-ms> [schedule <parties>]
// A node "O=CrashNode, L=London, C=GB" whose ledger takes <load-delay-ms> to load, with its statuses and jobs in the
// SQLite file (or the PostgreSQL database, which several instances of the node may share), reaching every peer through
// the test's loopback listener. With "schedule N" it queues reconciliations with O=Peer0001 … O=PeerN (plus, for the
// restart guarantees, one timed and one recurring job among them).
string? postgres = null;
if (args.Length > 1 && args[0] == "--postgres")
{
    postgres = args[1];
    args = args[1..]; // the connection string takes the SQLite file's place; the other arguments keep theirs
}

var database = args[0];
var port = int.Parse(args[1], CultureInfo.InvariantCulture);
var loadDelay = TimeSpan.FromMilliseconds(int.Parse(args[2], CultureInfo.InvariantCulture));
var local = PartyName.Parse("O=CrashNode, L=London, C=GB");
var connectionString = $"Data Source={database};Default Timeout=30";
using var postgresSource = postgres is null ? null : NpgsqlDataSource.Create(postgres);
Func<System.Data.Common.DbConnection> connectionFactory = postgresSource is null
    ? () => new SqliteConnection(connectionString)
    : postgresSource.CreateConnection;

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddLedgerSync(o =>
    {
        o.LocalParty = local;
        o.MaxNumberOfParallelReconciliationRequests = 2;
        o.RunLeaseDuration = TimeSpan.FromSeconds(3);
        o.RetryInitialDelay = TimeSpan.FromMilliseconds(100);
        o.RetryMaxDelay = TimeSpan.FromSeconds(1);
    })
    .UseSqlStorage(postgresSource is null ? SqlDialect.Sqlite : SqlDialect.PostgreSql, connectionFactory)
    .UseTransactionSource(new SlowSource(loadDelay))
    .UsePeerTransport(_ => new LoopbackTransport(local, port));
using var host = builder.Build();
await host.StartAsync();

if (args.Length >= 5 && args[3] == "schedule")
{
    var count = int.Parse(args[4], CultureInfo.InvariantCulture);
    var graph = host.Services.GetRequiredService<ILedgerGraph>();
    while (!graph.IsInitialized)
    {
        await Task.Delay(10);
    }

    var flows = host.Services.GetRequiredService<ReconciliationFlows>();
    var peers = Enumerable.Range(1, count).Select(i => PartyName.Parse($"O=Peer{i:D4}, L=London, C=GB")).ToList();
    await flows.ScheduleReconciliationAsync(peers[..^2]);
    await flows.ScheduleReconciliationAsync([peers[^2]], startAt: DateTimeOffset.UtcNow.AddSeconds(2));
    await flows.ScheduleReconciliationAsync([peers[^1]], repeatEvery: TimeSpan.FromDays(1));
}

Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);

/// <summary>An empty ledger that takes a while to load, like a real one.</summary>
internal sealed class SlowSource(TimeSpan delay) : ITransactionSource
{
    public ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(0);

    public async ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        await Task.Delay(delay, cancellationToken);
        return TransactionPage.Empty;
    }
}
