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
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// A ledger node with LedgerSync, configured from appsettings.json, the node's .conf file and the command line:
//   dotnet run --project samples/LedgerSync.Samples.Node -- --node partya
//   dotnet run --project samples/LedgerSync.Samples.Node -- --help
return await NodeCommandLine.InvokeAsync(args, RunNodeAsync);

static async Task<int> RunNodeAsync(NodeCommandLine options, CancellationToken cancellationToken)
{
    // The shell writes to the terminal; log lines (and exporters) written meanwhile keep off its prompt. With JSON
    // logs, stdout carries the log entries only and the shell moves to stderr.
    var stdout = Console.Out;
    var stderr = Console.Error;
    var shellConsole = new ShellConsole(options.JsonLogs ? stderr : stdout, interactive: !Console.IsInputRedirected);
    Console.SetOut(shellConsole.Background(stdout));
    Console.SetError(shellConsole.Background(stderr));
    var output = shellConsole.Output;

    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. options.ConfigurationArguments], ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Logging:Console:FormatterName"] = options.JsonLogs ? "json" : "simple",
        ["Logging:Console:FormatterOptions:IncludeScopes"] = options.JsonLogs ? "true" : "false",
        ["Logging:Console:LogToStandardErrorThreshold"] = options.JsonLogs ? "None" : "Trace",
    });

    // --node NAME reads nodes/NAME/appsettings.json and nodes/NAME/ledger-sync.conf (NAME may also be a directory path).
    if (options.Node is { Length: > 0 } node)
    {
        var nodeDirectory = Directory.Exists(node) ? Path.GetFullPath(node) : Path.Combine(AppContext.BaseDirectory, "nodes", node);
        if (!Directory.Exists(nodeDirectory))
        {
            await output.WriteLineAsync($"No node configuration at {nodeDirectory}; the samples are nodes/partya and nodes/partyb.");
            return NodeCommandLine.BadOptionsExitCode;
        }

        builder.Configuration.AddJsonFile(Path.Combine(nodeDirectory, "appsettings.json"), optional: true);
        builder.Configuration.AddLedgerSyncConfFile(Path.Combine(nodeDirectory, "ledger-sync.conf"), optional: true);
    }

    if (options.ConfFile is { } conf)
    {
        builder.Configuration.AddLedgerSyncConfFile(conf);
    }

    builder.Configuration.AddCommandLine([.. options.ConfigurationArguments]); // e.g. --LedgerSync:Http:ListenUrls:0 https://...

    if (!PartyName.TryParse(builder.Configuration["LedgerSync:localParty"], out var self, out var partyError))
    {
        await output.WriteLineAsync($"This node has no valid identity (LedgerSync:localParty): {partyError}");
        await output.WriteLineAsync("Start it with --node partya (or partyb), or set localParty in a .conf file given with --conf FILE.");
        return NodeCommandLine.BadOptionsExitCode;
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
        .UseSqlStorage(SqlDialect.Sqlite, () => new SqliteConnection(storage))
        // Recovery: serve the ledger's rows as NodeTransactionCodec payloads (only IDs in the requester's relevant set
        // are ever asked for), verify recovered ones with the same codec, and store them with the node's own sink.
        .UseTransactionDecoder(new NodeTransactionCodec())
        .UseSqlTransactionPayloadSource(o =>
        {
            o.Dialect = SqlDialect.Sqlite;
            o.ConnectionFactory = ledger.CreateConnection;
            o.Query = NodeLedger.PayloadQuery;
        })
        .UseRecoveredTransactionSink(new NodeRecoveredTransactionSink(ledger))
        .UseHttpTransport(o =>
        {
            // Without a configured certificate, the node uses the shared development CA.
            if (o.Certificate is null && o.CertificatePath is null)
            {
                o.Certificate = devCa.Issue(self);
                o.TrustedRootCertificates.Add(devCa.PublicCertificate());
            }
        });

    // Metrics and traces with OpenTelemetry: the console exporter, and Prometheus as the reference product's JMX.
    if (options.OpenTelemetryConsole || options.PrometheusPort is not null)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: "ledgersync-sample-node", serviceInstanceId: self.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(LedgerSyncTelemetry.MeterName);
                if (options.OpenTelemetryConsole)
                {
                    metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000);
                }

                if (options.PrometheusPort is { } port)
                {
                    metrics.AddPrometheusHttpListener(o =>
                    {
                        o.Host = "127.0.0.1";
                        o.Port = port;
                    });
                }
            });
        if (options.OpenTelemetryConsole)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(LedgerSyncTelemetry.ActivitySourceName).AddConsoleExporter());
        }
    }

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
        await host.StartAsync(cancellationToken);
    }
    catch (Exception e) when (e is LedgerSyncException or OptionsValidationException)
    {
        await output.WriteLineAsync($"The node cannot start: {e.Message}");
        return 1;
    }

    if (options.JsonLogs)
    {
        // The console logger holds the stdout it was given; anything else written to Console.Out from now on (the
        // OpenTelemetry console exporter) goes to stderr, so that stdout stays one JSON object per line.
        Console.SetOut(shellConsole.Background(stderr));
    }

    var services = host.Services;
    var graph = services.GetRequiredService<ILedgerGraph>();
    var http = services.GetRequiredService<IOptions<LedgerSyncHttpOptions>>().Value;
    await output.WriteLineAsync($"LedgerSync sample node {self}");
    await output.WriteLineAsync($"  data directory     {dataDirectory}");
    await output.WriteLineAsync($"  development CA     {caDirectory}");
    await output.WriteLineAsync($"  listening on       {string.Join(", ", services.GetRequiredService<LedgerSyncHttpListener>().Addresses)}");
    await output.WriteLineAsync($"  dashboard          {string.Join(", ", host.Urls.Select(u => u.TrimEnd('/') + "/ledgersync"))}");
    foreach (var peer in http.Peers)
    {
        await output.WriteLineAsync($"  peer               {peer.Party} at {peer.Address}");
    }

    if (options.PrometheusPort is { } scrapePort)
    {
        await output.WriteLineAsync($"  Prometheus         http://127.0.0.1:{scrapePort}/metrics");
    }

    // The graph loads in the background; reconciliation is refused until it has.
    while (!graph.IsInitialized)
    {
        await Task.Delay(50, cancellationToken);
    }

    await output.WriteLineAsync($"  ledger graph       {graph.Count:N0} transactions, {(graph.IsSelfConsistent ? "self-consistent" : $"NOT self-consistent ({graph.Errors.Count} errors)")}");
    await output.WriteLineAsync("Type help for the commands.");

    var knownPeers = http.Peers
        .Select(p => PartyName.TryParse(p.Party, out var party, out _) ? party : null)
        .OfType<PartyName>()
        .ToList();
    var shell = new NodeShell(
        self,
        ledger,
        graph,
        services.GetRequiredService<ReconciliationFlows>(),
        services.GetRequiredService<ReconciliationMonitor>(),
        services.GetRequiredService<InFlightDumper>(),
        Path.Combine(dataDirectory, "logs"),
        knownPeers,
        output);
    var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
    var stopped = Task.Delay(Timeout.Infinite, stopping);
    while (!stopping.IsCancellationRequested)
    {
        shellConsole.ShowPrompt();
        var read = Console.In.ReadLineAsync(stopping).AsTask();
        if (await Task.WhenAny(read, stopped) != read)
        {
            break;
        }

        var line = await read;
        shellConsole.InputReceived();
        if (line is null)
        {
            break; // end of input
        }

        if (Console.IsInputRedirected)
        {
            await output.WriteLineAsync($"{ShellConsole.Prompt}{line}");
        }

        if (!await shell.ExecuteAsync(line, stopping))
        {
            break;
        }
    }

    await host.StopAsync(CancellationToken.None);
    return 0;
}
