using LedgerSync.Benchmarks.Wire;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Transport;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Benchmarks.Recovery;

/// <summary>
/// Two nodes as a host would wire them, each a generic host with <c>AddLedgerSync()</c> and the HTTPS transport on
/// loopback (mutual TLS, certificates made at run time): B holds the transactions (its ledger graph and an in-memory
/// payload source) and listens; A holds none of the lost ones, verifies with <see cref="BenchmarkTransactionCodec"/>
/// and stores with the in-memory sink. A's transport counts TCP bytes and recovery messages.
/// </summary>
internal sealed class RecoveryBenchmarkNodes : IAsyncDisposable
{
    public static readonly PartyName A = PartyName.Parse("O=PartyA, L=London, C=GB");
    public static readonly PartyName B = PartyName.Parse("O=PartyB, L=London, C=GB");
    public static readonly PartyName C = PartyName.Parse("O=PartyC, L=Paris, C=FR");

    private readonly HttpScenarioCertificates _pki;
    private readonly IHost _hostA;
    private readonly IHost _hostB;

    private RecoveryBenchmarkNodes(HttpScenarioCertificates pki, IHost hostA, IHost hostB, CountingPeerTransport transport, CountingStream.Totals tcp, InMemoryRecoveredTransactionSink sink)
    {
        _pki = pki;
        _hostA = hostA;
        _hostB = hostB;
        Transport = transport;
        Tcp = tcp;
        Sink = sink;
        Recovery = hostA.Services.GetRequiredService<RecoveryFlows>();
    }

    public RecoveryFlows Recovery { get; }

    public CountingPeerTransport Transport { get; }

    public CountingStream.Totals Tcp { get; }

    public InMemoryRecoveredTransactionSink Sink { get; }

    public static async Task<RecoveryBenchmarkNodes> StartAsync(
        IReadOnlyList<(TransactionMetadata Metadata, byte[] Payload)> ledgerOfB,
        Action<LedgerSyncOptions> responderLimits)
    {
        var pki = new HttpScenarioCertificates();
        var payloads = new InMemoryTransactionPayloadSource();
        foreach (var (metadata, payload) in ledgerOfB)
        {
            payloads.Add(metadata.Id, payload);
        }

        var builderB = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "PartyB" });
        builderB.Logging.SetMinimumLevel(LogLevel.Error);
        builderB.Services.AddLedgerSync(o =>
            {
                o.LocalParty = B;
                responderLimits(o);
            })
            .UseTransactionSource(new InMemoryTransactionSource(ledgerOfB.Select(t => t.Metadata)))
            .UseTransactionPayloadSource(payloads)
            .UseHttpTransport(o =>
            {
                o.Certificate = pki.Issue(B);
                o.TrustedRootCertificates.Add(pki.Root);
                o.ListenUrls.Add("https://127.0.0.1:0");
            });
        var hostB = builderB.Build();
        await hostB.StartAsync();
        var address = hostB.Services.GetRequiredService<LedgerSyncHttpListener>().Addresses[0];

        var tcp = new CountingStream.Totals();
        var sink = new InMemoryRecoveredTransactionSink();
        var builderA = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "PartyA" });
        builderA.Logging.SetMinimumLevel(LogLevel.Error);
        builderA.Services.AddLedgerSync(o => o.LocalParty = A)
            .UseTransactionSource(new InMemoryTransactionSource())
            .UseTransactionDecoder(new BenchmarkTransactionCodec())
            .UseRecoveredTransactionSink(sink)
            .UseHttpTransport(o =>
            {
                o.Certificate = pki.Issue(A);
                o.TrustedRootCertificates.Add(pki.Root);
                o.Peers.Add(new LedgerSyncHttpPeer { Party = B.ToString(), Address = address });
            });

        // Count what A's recovery sends and receives: TCP bytes under TLS, and messages by type above the transport.
        var registered = builderA.Services.Last(d => d.ServiceType == typeof(IPeerTransport));
        builderA.Services.Remove(registered);
        builderA.Services.AddSingleton(sp =>
        {
            var http = sp.GetRequiredService<HttpPeerTransport>();
            http.ConnectionStreamFilter = stream => new CountingStream(stream, tcp);
            return new CountingPeerTransport(http);
        });
        builderA.Services.AddSingleton<IPeerTransport>(sp => sp.GetRequiredService<CountingPeerTransport>());
        var hostA = builderA.Build();
        await hostA.StartAsync();
        await hostA.Services.GetRequiredService<ILedgerGraph>().WhenInitializedAsync();
        await hostB.Services.GetRequiredService<ILedgerGraph>().WhenInitializedAsync();
        return new RecoveryBenchmarkNodes(pki, hostA, hostB, hostA.Services.GetRequiredService<CountingPeerTransport>(), tcp, sink);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _hostA.StopAsync(stopping.Token);
        await _hostB.StopAsync(stopping.Token);
        _hostA.Dispose();
        _hostB.Dispose();
        _pki.Dispose();
    }
}
