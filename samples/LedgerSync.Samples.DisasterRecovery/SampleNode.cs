using LedgerSync.Dapper;
using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Status;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// One node of the walkthrough: a generic host with its own DI container, wired with <c>AddLedgerSync()</c> over the
/// node's SQLite database (the ledger read through the SQL transaction source, statuses and jobs stored beside it).
/// The host code records new business in its ledger tables and tells the ledger graph, as a real node would.
/// </summary>
internal sealed class SampleNode : IAsyncDisposable
{
    private readonly IHost _host;

    private SampleNode(PartyName party, LedgerDatabase database, LedgerSyncDatabase storage, IHost host, Uri? address)
    {
        Party = party;
        Database = database;
        Storage = storage;
        _host = host;
        Address = address;
        Graph = host.Services.GetRequiredService<ILedgerGraph>();
        Flows = host.Services.GetRequiredService<ReconciliationFlows>();
        Monitor = host.Services.GetRequiredService<ReconciliationMonitor>();
        Dumper = host.Services.GetRequiredService<InFlightDumper>();
        Probe = host.Services.GetRequiredService<RunStartProbe>();
        Recovery = host.Services.GetRequiredService<RecoveryFlows>();
    }

    public PartyName Party { get; }

    public LedgerDatabase Database { get; }

    public LedgerSyncDatabase Storage { get; }

    /// <summary>The HTTPS address the node listens on (http transport), or <see langword="null"/>.</summary>
    public Uri? Address { get; }

    public ILedgerGraph Graph { get; }

    public ReconciliationFlows Flows { get; }

    public ReconciliationMonitor Monitor { get; }

    public InFlightDumper Dumper { get; }

    public RunStartProbe Probe { get; }

    /// <summary>The recovery flows (also reachable by name through <see cref="Flows"/>).</summary>
    public RecoveryFlows Recovery { get; }

    /// <summary>Starts the node's host; its ledger graph begins loading from the database in the background.</summary>
    public static async Task<SampleNode> StartAsync(
        PartyName party,
        LedgerDatabase database,
        LedgerSyncDatabase storage,
        NodeTransport transport,
        bool listen,
        bool verbose,
        bool jsonLogs,
        IProgress<LedgerGraphLoadProgress>? graphProgress = null,
        Action<LedgerSyncOptions>? configure = null)
    {
        await database.EnsureCreatedAsync();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = party.Organisation });
        if (jsonLogs)
        {
            // Program.cs swapped the writers: Console.Error is the process's stdout here, and it carries the log alone.
            builder.Logging
                .AddJsonConsole(o =>
                {
                    o.IncludeScopes = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                    o.UseUtcTimestamp = true;
                })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("LedgerSync", verbose ? LogLevel.Debug : LogLevel.Information);
        }
        else
        {
            builder.Logging
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                })
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("LedgerSync", verbose ? LogLevel.Debug : LogLevel.Warning);
        }

        builder.Services.AddSingleton<IHostLifetime, SampleHostLifetime>();

        var ledgerSync = builder.Services.AddLedgerSync(o =>
        {
            o.LocalParty = party;
            o.TransactionReaderPageSize = 1000;
            configure?.Invoke(o);
        });

        // The host's ledger, read in keyset-paged batches when the node starts. LedgerSync's statuses and job queue
        // live in a database file of their own: the scheduler's job queue polls with short write transactions, which
        // would make the host's own writes wait if both shared one SQLite file.
        ledgerSync
            .UseSqlTransactionSource(o =>
            {
                o.Dialect = SqlDialect.Sqlite;
                o.ConnectionFactory = database.CreateConnection;
                o.Query = LedgerDatabase.TransactionSourceQuery;
            })
            .UseSqlStorage(SqlDialect.Sqlite, storage.CreateConnection)
            // Recovery: as responder, the node serves the payload column of its ledger table (LedgerSync asks only for
            // IDs in the requester's relevant set); as requester, it verifies each recovered payload with the host's
            // decoder and stores it with the generic SQL sink's statements, into the same three tables.
            .UseTransactionDecoder(new LedgerTransactionCodec())
            .UseSqlTransactionPayloadSource(o =>
            {
                o.Dialect = SqlDialect.Sqlite;
                o.ConnectionFactory = database.CreateConnection;
                o.Table = "ledger_transactions";
            })
            .UseSqlRecoveredTransactionSink(o =>
            {
                o.Dialect = SqlDialect.Sqlite;
                o.ConnectionFactory = database.CreateConnection;
                o.InsertSql = LedgerDatabase.RecoveredTransactionInsertSql;
            });

        if (transport.Mode == TransportMode.Memory)
        {
            ledgerSync.UseInMemoryTransport(transport.Network!);
        }
        else
        {
            var authority = transport.Authority!;
            var certificate = authority.Issue(party);
            ledgerSync.UseHttpTransport(o =>
            {
                o.Certificate = certificate;
                o.TrustedRootCertificates.Add(authority.Root);
                if (listen)
                {
                    o.ListenUrls.Add("https://127.0.0.1:0");
                }

                foreach (var (peer, address) in transport.Addresses)
                {
                    o.Peers.Add(new LedgerSyncHttpPeer { Party = peer.ToString(), Address = address });
                }
            });
        }

        DecorateStatusStore(builder.Services);
        if (graphProgress is not null)
        {
            builder.Services.AddSingleton(graphProgress);
        }

        var host = builder.Build();
        await host.StartAsync();

        Uri? address = null;
        if (transport.Mode == TransportMode.Http && listen)
        {
            address = host.Services.GetRequiredService<LedgerSyncHttpListener>().Addresses[0];
            transport.Addresses[party] = address;
        }

        return new SampleNode(party, database, storage, host, address);
    }

    /// <summary>Waits until the ledger graph has loaded the node's ledger.</summary>
    public async Task WaitForLedgerGraphAsync(TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!Graph.IsInitialized)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{Party}'s ledger graph did not finish loading within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The host records new business: stores the rows, then tells the ledger graph.</summary>
    public async Task RecordAsync(IReadOnlyCollection<LedgerTransaction> transactions)
    {
        if (transactions.Count == 0)
        {
            return;
        }

        await Database.InsertAsync(transactions);
        foreach (var transaction in transactions)
        {
            Graph.Record(transaction.ToMetadata());
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stopping.Token);
        _host.Dispose();
    }

    /// <summary>Puts the <see cref="RunStartProbe"/> around whichever status store the node was given.</summary>
    private static void DecorateStatusStore(IServiceCollection services)
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(IStatusStore));
        services.Remove(descriptor);
        services.AddSingleton(sp => new RunStartProbe(descriptor switch
        {
            { ImplementationInstance: IStatusStore instance } => instance,
            { ImplementationFactory: { } factory } => (IStatusStore)factory(sp),
            _ => (IStatusStore)ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!),
        }));
        services.AddSingleton<IStatusStore>(sp => sp.GetRequiredService<RunStartProbe>());
    }
}
