using System.Collections.Immutable;
using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Status;
using LedgerSync.Testing;
using LedgerSync.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LedgerSync.Dashboard.Tests.Support;

/// <summary>
/// Two LedgerSync nodes on one in-memory network: node A is a web application on 127.0.0.1 serving the dashboard at
/// <c>/ledgersync</c> (header authentication, default policy); node B is a plain host. B holds every transaction A
/// holds plus <see cref="OnlyB"/> more, so A's reconciliation with B finds differences. PartyC is a node whose ledger
/// is not self-consistent (a transaction whose dependency it lacks), so it refuses every request and a reconciliation
/// with it fails. PartyD holds <see cref="OnlyD"/> transactions it shares with A that A lacks, so a run with it streams
/// several messages of coded symbols.
/// </summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public const string Operator = "alice";
    public const int OnlyB = 25;
    public const int OnlyD = 1500;

    public static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    public static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    public static readonly PartyName PartyC = PartyName.Parse("O=PartyC, L=Paris, C=FR");
    public static readonly PartyName PartyD = PartyName.Parse("O=PartyD, L=Madrid, C=ES");

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly IHost _nodeC;
    private readonly IHost _nodeD;
    private readonly FakeLoggerProvider _logs;

    private DashboardHost(InMemoryNetwork network, WebApplication app, IHost nodeB, IHost nodeC, IHost nodeD, FakeLoggerProvider logs, Uri root)
    {
        Network = network;
        App = app;
        NodeB = nodeB;
        _nodeC = nodeC;
        _nodeD = nodeD;
        _logs = logs;
        Root = root;
    }

    public InMemoryNetwork Network { get; }

    public WebApplication App { get; }

    public IHost NodeB { get; }

    public FakeLogCollector Logs => _logs.Collector;

    /// <summary>The server's root, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Root { get; }

    /// <summary>The dashboard's address: <c>http://127.0.0.1:port/ledgersync</c>.</summary>
    public Uri Dashboard => new(Root, "ledgersync");

    public ReconciliationFlows Flows => App.Services.GetRequiredService<ReconciliationFlows>();

    public ReconciliationMonitor Monitor => App.Services.GetRequiredService<ReconciliationMonitor>();

    public IStatusStore StatusStore => App.Services.GetRequiredService<IStatusStore>();

    public RecoveryFlows Recovery => App.Services.GetRequiredService<RecoveryFlows>();

    /// <summary>Where A stores the transactions it recovers.</summary>
    public InMemoryRecoveredTransactionSink Sink { get; private init; } = null!;

    public static async Task<DashboardHost> StartAsync(Action<LedgerSyncDashboardOptions>? configureDashboard = null)
    {
        var network = new InMemoryNetwork();
        var random = new Random(18);
        var shared = Enumerable.Range(0, 200).Select(_ => Transaction(random)).ToList();
        var onlyB = Enumerable.Range(0, OnlyB).Select(_ => Transaction(random)).ToList();

        var sink = new InMemoryRecoveredTransactionSink();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var logs = new FakeLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddLedgerSync(o =>
            {
                o.LocalParty = PartyA;
                o.SessionTimeout = TimeSpan.FromMinutes(10); // a stalled peer keeps the run in flight for the whole test
                o.StuckSessionWarningInterval = TimeSpan.FromSeconds(2);
            })
            .UseInMemoryTransport(network)
            .UseTransactionSource(new InMemoryTransactionSource(shared))
            .UseTransactionDecoder(new TextTransactionCodec())
            .UseRecoveredTransactionSink(sink);
        builder.Services.AddLedgerSyncDashboard(o =>
        {
            o.Title = "LedgerSync · PartyA";
            o.LiveRefreshInterval = TimeSpan.FromMilliseconds(300);
            o.TransactionIdsPageSize = 10;
            o.RunHistoryPageSize = 2;
            configureDashboard?.Invoke(o);
        });
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy("Operators", p => p.RequireAuthenticatedUser().RequireClaim(System.Security.Claims.ClaimTypes.Name, Operator)));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapLedgerSyncDashboard("/ledgersync");

        var nodeBBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        nodeBBuilder.Logging.ClearProviders();
        nodeBBuilder.Services.AddLedgerSync(o =>
            {
                o.LocalParty = PartyB;
                o.SessionTimeout = TimeSpan.FromMinutes(10);
            })
            .UseInMemoryTransport(network)
            .UseTransactionSource(new InMemoryTransactionSource(shared.Concat(onlyB)))
            .UseTransactionPayloadSource(Payloads(shared.Concat(onlyB)));
        var nodeB = nodeBBuilder.Build();

        var nodeCBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        nodeCBuilder.Logging.ClearProviders();
        var orphan = new TransactionMetadata(TestTransactionIds.FromRandom(random), [TestTransactionIds.FromRandom(random)], ImmutableArray.Create(PartyA, PartyC));
        nodeCBuilder.Services.AddLedgerSync(o => o.LocalParty = PartyC)
            .UseInMemoryTransport(network)
            .UseTransactionSource(new InMemoryTransactionSource([orphan]));
        var nodeC = nodeCBuilder.Build();

        var nodeDBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        nodeDBuilder.Logging.ClearProviders();
        nodeDBuilder.Services.AddLedgerSync(o =>
            {
                o.LocalParty = PartyD;
                o.SessionTimeout = TimeSpan.FromMinutes(10);
            })
            .UseInMemoryTransport(network)
            .UseTransactionSource(new InMemoryTransactionSource(
                Enumerable.Range(0, OnlyD).Select(_ => new TransactionMetadata(TestTransactionIds.FromRandom(random), [], ImmutableArray.Create(PartyA, PartyD))).ToList()));
        var nodeD = nodeDBuilder.Build();

        await app.StartAsync();
        await nodeB.StartAsync();
        await nodeC.StartAsync();
        await nodeD.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var host = new DashboardHost(network, app, nodeB, nodeC, nodeD, logs, new Uri(address.TrimEnd('/') + "/")) { Sink = sink };
        await WaitUntilAsync(() =>
            app.Services.GetRequiredService<ILedgerGraph>().IsInitialized && nodeB.Services.GetRequiredService<ILedgerGraph>().IsInitialized
                && nodeC.Services.GetRequiredService<ILedgerGraph>().IsInitialized && nodeD.Services.GetRequiredService<ILedgerGraph>().IsInitialized,
            "the ledger graphs never finished loading");
        return host;
    }

    /// <summary>A client for the dashboard: as the operator, or anonymous.</summary>
    public HttpClient CreateClient(bool authenticated = true)
    {
        var client = new HttpClient { BaseAddress = Root };
        if (authenticated)
        {
            client.DefaultRequestHeaders.Add(HeaderAuthenticationHandler.HeaderName, Operator);
        }

        return client;
    }

    /// <summary>Makes B answer the hello and then go silent with the session open, so A's run stays in flight.</summary>
    public void StallPartyB() =>
        Network.SetInterceptor(m => m.From == PartyB && m.Sequence >= 1 ? InMemoryMessageFate.Stall : InMemoryMessageFate.Deliver);

    /// <summary>Makes D send its acceptance and its first message of coded symbols, then go silent with the session open.</summary>
    /// <summary>
    /// Holds A's symbols to D from its second symbols message on (the hello, the difference estimate and the first
    /// symbols arrive), one message at a time on the wire, so A's run stops part-way through its first round.
    /// </summary>
    public void HoldTheSymbolsToPartyDAfterTheFirst()
    {
        Network.QueueCapacity = 1;
        Network.SetInterceptor(m => m.From == PartyA && m.To == PartyD && m.Sequence >= 3
            ? InMemoryMessageFate.DelayBy(TimeSpan.FromMinutes(10))
            : InMemoryMessageFate.Deliver);
    }

    /// <summary>Waits until A's stored outgoing status with <paramref name="party"/> satisfies <paramref name="done"/>.</summary>
    public async Task<ReconciliationStatus> WaitForStatusAsync(PartyName party, Func<ReconciliationStatus, bool> done)
    {
        ReconciliationStatus? status = null;
        await WaitUntilAsync(
            () => (status = Flows.GetReconciliationStatusForPartyAsync(party, true).GetAwaiter().GetResult()) is { } s && done(s),
            $"the status with {party} never reached the expected state (last: {status?.LastReconciliationStatus?.ToName() ?? "none"})");
        return status!;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(failure);
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Network.SetInterceptor(null);
        // Stop anything still in flight so both hosts stop promptly.
        await Flows.StopReconciliationForPartyAsync(PartyB);
        await Flows.StopReconciliationForPartyAsync(PartyD);
        await App.StopAsync();
        await NodeB.StopAsync();
        await _nodeC.StopAsync();
        await _nodeD.StopAsync();
        await App.DisposeAsync();
        NodeB.Dispose();
        _nodeC.Dispose();
        _nodeD.Dispose();
        await Network.DisposeAsync();
        _logs.Dispose();
    }

    private static InMemoryTransactionPayloadSource Payloads(IEnumerable<TransactionMetadata> transactions)
    {
        var source = new InMemoryTransactionPayloadSource();
        foreach (var transaction in transactions)
        {
            source.Add(transaction.Id, TextTransactionCodec.Encode(transaction));
        }

        return source;
    }

    private static TransactionMetadata Transaction(Random random) =>
        new(TestTransactionIds.FromRandom(random), [], ImmutableArray.Create(PartyA, PartyB));
}
