using LedgerSync;
using LedgerSync.Dapper;
using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Samples.Node;
using LedgerSync.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// A ledger node with LedgerSync, configured from appsettings.json, the node's .conf file and the command line:
//   dotnet run --project samples/LedgerSync.Samples.Node -- --node partya
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// --node NAME reads nodes/NAME/appsettings.json and nodes/NAME/ledger-sync.conf (NAME may also be a directory path).
if (builder.Configuration["node"] is { Length: > 0 } node)
{
    var nodeDirectory = Directory.Exists(node) ? Path.GetFullPath(node) : Path.Combine(AppContext.BaseDirectory, "nodes", node);
    if (!Directory.Exists(nodeDirectory))
    {
        Console.Error.WriteLine($"No node configuration at {nodeDirectory}; the samples are nodes/partya and nodes/partyb.");
        return 2;
    }

    builder.Configuration.AddJsonFile(Path.Combine(nodeDirectory, "appsettings.json"), optional: true);
    builder.Configuration.AddLedgerSyncConfFile(Path.Combine(nodeDirectory, "ledger-sync.conf"), optional: true);
}

// --conf FILE adds another .conf file; the command line itself (e.g. --LedgerSync:Http:ListenUrls:0 https://...) wins.
if (builder.Configuration["conf"] is { Length: > 0 } conf)
{
    builder.Configuration.AddLedgerSyncConfFile(Path.GetFullPath(conf));
}

builder.Configuration.AddCommandLine(args);

if (!PartyName.TryParse(builder.Configuration["LedgerSync:localParty"], out var self, out var partyError))
{
    Console.Error.WriteLine($"This node has no valid identity (LedgerSync:localParty): {partyError}");
    Console.Error.WriteLine("Start it with --node partya (or partyb), or set localParty in a .conf file given with --conf FILE.");
    return 2;
}

var sampleRoot = Path.Combine(Path.GetTempPath(), "ledgersync-sample-nodes");
var dataDirectory = builder.Configuration["Node:DataDirectory"] is { Length: > 0 } configuredData
    ? Path.GetFullPath(configuredData)
    : Path.Combine(sampleRoot, self.Organisation.ToLowerInvariant());
var caDirectory = builder.Configuration["Node:DevCertificateAuthorityDirectory"] is { Length: > 0 } configuredCa
    ? Path.GetFullPath(configuredCa)
    : Path.Combine(sampleRoot, "dev-ca");
Directory.CreateDirectory(dataDirectory);

var ledger = new NodeLedger(Path.Combine(dataDirectory, "ledger.db"));
await ledger.EnsureCreatedAsync();
var storage = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "ledgersync.db"), Pooling = true, DefaultTimeout = 30 }.ToString();
using var devCa = DevCertificateAuthority.LoadOrCreate(caDirectory);

builder.Services.AddLedgerSync(builder.Configuration)
    .UseSqlTransactionSource(o =>
    {
        o.Dialect = SqlDialect.Sqlite;
        o.ConnectionFactory = ledger.CreateConnection;
        o.Query = NodeLedger.TransactionSourceQuery;
    })
    .UseSqlStatusStore(SqlDialect.Sqlite, () => new SqliteConnection(storage))
    .UseHttpTransport(o =>
    {
        // Without a configured certificate, the node uses the shared development CA.
        if (o.Certificate is null && o.CertificatePath is null)
        {
            o.Certificate = devCa.Issue(self);
            o.TrustedRootCertificates.Add(devCa.PublicCertificate());
        }
    });

// The operator dashboard (docs/dashboard.md), on loopback only and without sign-in in this sample: it logs a warning.
builder.Services.AddLedgerSyncDashboard(o =>
{
    o.Title = $"LedgerSync · {self.Organisation}";
    o.AllowAnonymous = true;
});
builder.WebHost.UseUrls(builder.Configuration["Node:DashboardUrl"] is { Length: > 0 } dashboardUrl ? dashboardUrl : "http://127.0.0.1:0");

using var host = builder.Build();
host.MapLedgerSyncDashboard("/ledgersync");
try
{
    await host.StartAsync();
}
catch (Exception e) when (e is LedgerSyncException or OptionsValidationException)
{
    Console.Error.WriteLine($"The node cannot start: {e.Message}");
    return 1;
}

var services = host.Services;
var graph = services.GetRequiredService<ILedgerGraph>();
var http = services.GetRequiredService<IOptions<LedgerSyncHttpOptions>>().Value;
Console.WriteLine($"LedgerSync sample node {self}");
Console.WriteLine($"  data directory     {dataDirectory}");
Console.WriteLine($"  development CA     {caDirectory}");
Console.WriteLine($"  listening on       {string.Join(", ", services.GetRequiredService<LedgerSyncHttpListener>().Addresses)}");
Console.WriteLine($"  dashboard          {string.Join(", ", host.Urls.Select(u => u.TrimEnd('/') + "/ledgersync"))}");
foreach (var peer in http.Peers)
{
    Console.WriteLine($"  peer               {peer.Party} at {peer.Address}");
}

while (!graph.IsInitialized)
{
    await Task.Delay(50);
}

Console.WriteLine($"  ledger graph       {graph.Count:N0} transactions, {(graph.IsSelfConsistent ? "self-consistent" : $"NOT self-consistent ({graph.Errors.Count} errors)")}");
Console.WriteLine("Type help for the commands.");

var shell = new NodeShell(
    self,
    ledger,
    graph,
    services.GetRequiredService<ReconciliationFlows>(),
    services.GetRequiredService<ReconciliationMonitor>(),
    services.GetRequiredService<InFlightDumper>(),
    Path.Combine(dataDirectory, "logs"));
var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
var stopped = Task.Delay(Timeout.Infinite, stopping);
while (!stopping.IsCancellationRequested)
{
    if (!Console.IsInputRedirected)
    {
        Console.Write(">>> ");
    }

    var read = Console.In.ReadLineAsync(stopping).AsTask();
    if (await Task.WhenAny(read, stopped) != read)
    {
        break;
    }

    var line = await read;
    if (line is null)
    {
        break; // end of input
    }

    if (Console.IsInputRedirected)
    {
        Console.WriteLine($">>> {line}");
    }

    if (!await shell.ExecuteAsync(line, stopping))
    {
        break;
    }
}

await host.StopAsync();
return 0;
