using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LedgerSync.Tests.Recovery;

/// <summary>A node wired with <c>AddLedgerSync()</c> and the recovery plug-ins, on an in-memory network.</summary>
internal sealed class RecoveryTestNode : IAsyncDisposable
{
    private readonly IHost _host;

    private RecoveryTestNode(IHost host, PartyName party, FakeLogCollector logs, CountingPayloadSource payloads, RecordingSink sink)
    {
        _host = host;
        Party = party;
        Logs = logs;
        Payloads = payloads;
        Sink = sink;
    }

    public PartyName Party { get; }

    public IServiceProvider Services => _host.Services;

    public FakeLogCollector Logs { get; }

    public CountingPayloadSource Payloads { get; }

    public RecordingSink Sink { get; }

    public LedgerGraph Graph => Services.GetRequiredService<LedgerGraph>();

    public RecoveryFlows Recovery => Services.GetRequiredService<RecoveryFlows>();

    public ReconciliationFlows Flows => Services.GetRequiredService<ReconciliationFlows>();

    public IRecoveryStore Store => Services.GetRequiredService<IRecoveryStore>();

    /// <summary>Starts a node holding <paramref name="ledger"/> (its graph, and payloads for each transaction).</summary>
    public static async Task<RecoveryTestNode> StartAsync(
        InMemoryNetwork network,
        PartyName party,
        IEnumerable<TransactionMetadata> ledger,
        Action<LedgerSyncOptions>? configure = null,
        TimeProvider? time = null,
        IRecoveryStore? store = null,
        int padding = 0,
        bool withSink = true,
        bool withSource = true)
    {
        var logs = new FakeLoggerProvider();
        var payloads = new CountingPayloadSource();
        var sink = new RecordingSink();
        var transactions = ledger.ToList();
        foreach (var transaction in transactions)
        {
            payloads.Add(transaction.Id, TestTransactionCodec.Encode(transaction, padding));
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var ledgerSync = builder.Services.AddLedgerSync(o =>
            {
                o.LocalParty = party;
                o.RetryInitialDelay = TimeSpan.FromMilliseconds(10);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(50);
                o.RunLeaseDuration = TimeSpan.FromSeconds(5);
                configure?.Invoke(o);
            })
            .UseTransactionSource(new InMemoryTransactionSource(transactions))
            .UseTransactionDecoder(TestTransactionCodec.Instance)
            .UsePeerTransport(_ => network.CreateTransport(party));
        if (withSource)
        {
            ledgerSync.UseTransactionPayloadSource(payloads);
        }

        if (withSink)
        {
            ledgerSync.UseRecoveredTransactionSink(sink);
        }

        if (store is not null)
        {
            ledgerSync.UseRecoveryStore(_ => store);
        }

        var host = builder.Build();
        network.Register(party, host.Services.GetRequiredService<IInboundSessionHandler>());
        await host.StartAsync();
        await host.Services.GetRequiredService<ILedgerGraph>().WhenInitializedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new RecoveryTestNode(host, party, logs.Collector, payloads, sink);
    }

    /// <summary>Waits (real time, generous) until the party's latest recovery has ended, and returns it.</summary>
    public async Task<RecoveryStatus> WhenEndedAsync(PartyName from, int timeoutSeconds = 60)
    {
        RecoveryStatus? status = null;
        await Testing.Scheduling.TestParties.EventuallyAsync(
            async () => (status = await Recovery.GetRecoveryStatusForPartyAsync(from)) is { } s && s.State.IsEnded(),
            $"the recovery from {from} to end",
            timeoutSeconds);
        return status!;
    }

    public async Task<IReadOnlyList<RecoveryItem>> ItemsAsync(Guid recoveryId) => await Store.GetItemsAsync(recoveryId, null, null, 10_000);

    public async Task StopAsync() => await _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
