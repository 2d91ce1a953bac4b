using System.Diagnostics;
using System.Globalization;
using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Transport;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Benchmarks.Wire;

/// <summary>
/// The full protocol over the HTTPS transport on loopback: a responder behind a Kestrel listener on 127.0.0.1 (HTTP/2,
/// TLS with client certificates made at run time) and a requester using <see cref="HttpPeerTransport"/>. Bytes are
/// counted on the requester's TCP connection, both directions: everything TLS carries (handshake, HTTP/2 frames,
/// the session preamble and the length-prefixed messages). Each measured run opens a fresh connection, so the TLS
/// handshake is included; one warm-up run on another connection comes first (JIT, responder encoder). The times are
/// split as in <see cref="ProtocolScenario"/>: responder busy time, and the rest of the wall time.
/// </summary>
internal sealed class HttpScenario : IWireScenario
{
    private static readonly PartyName Requester = PartyName.Parse("O=Requester, L=London, C=GB");
    private static readonly PartyName Responder = PartyName.Parse("O=Responder, L=Ottawa, C=CA");

    public string Name => "LedgerSync protocol over the HTTPS transport on loopback (TCP bytes of TLS, HTTP/2 and messages, handshake included)";

    public WireRunResult Run(WireRunInput input) => RunAsync(input).GetAwaiter().GetResult();

    private static async Task<WireRunResult> RunAsync(WireRunInput input)
    {
        using var pki = new HttpScenarioCertificates();
        var responderGraph = new ProtocolScenarioGraph(Requester, input.ResponderIds);
        var requesterGraph = new ProtocolScenarioGraph(Responder, input.RequesterIds);
        var time = TimeProvider.System;

        // Responder: the protocol's responder as the inbound handler of an HTTPS listener.
        var responderOptions = new LedgerSyncOptions { LocalParty = Responder };
        var registry = new ReconciliationRunRegistry(time);
        var encoders = new WarmEncoderCache(responderGraph);
        var responderMonitor = new ProtocolScenarioOptionsMonitor(responderOptions);
        using var admission = new StandaloneIncomingReconciliationAdmission(Options.Create(responderOptions), registry);
        var responder = new ReconciliationResponder(
            responderGraph, admission, new IncomingRequestRateLimiter(responderMonitor, time), encoders, responderMonitor, time,
            NullLogger<ReconciliationResponder>.Instance);
        var served = new List<ResponderRunStats>();
        responder.RunServed = s =>
        {
            lock (served)
            {
                served.Add(s);
            }
        };
        encoders.Get(Requester).Acquire(out _).Dispose(); // warm

        var responderServices = new ServiceCollection();
        responderServices.AddLogging();
        responderServices.AddSingleton<IInboundSessionHandler>(responder);
        responderServices.AddLedgerSync(o => o.LocalParty = Responder).UseHttpTransport(o =>
        {
            o.Certificate = pki.Issue(Responder);
            o.TrustedRootCertificates.Add(pki.Root);
            o.ListenUrls.Add("https://127.0.0.1:0");
        });
        await using var responderProvider = responderServices.BuildServiceProvider();
        var listener = responderProvider.GetRequiredService<LedgerSyncHttpListener>();
        await listener.StartAsync(CancellationToken.None);

        // Requester: a transport whose connections count every TCP byte.
        var requesterServices = new ServiceCollection();
        requesterServices.AddLogging();
        var requesterCertificate = pki.Issue(Requester);
        requesterServices.AddLedgerSync(o => o.LocalParty = Requester).UseHttpTransport(o =>
        {
            o.Certificate = requesterCertificate;
            o.TrustedRootCertificates.Add(pki.Root);
            o.Peers.Add(new LedgerSyncHttpPeer { Party = Responder.ToString(), Address = listener.Addresses[0] });
        });
        await using var requesterProvider = requesterServices.BuildServiceProvider();
        var requesterOptions = requesterProvider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value;

        async Task<(ReconciliationResult Result, TimeSpan Wall, CountingStream.Totals Counted)> ReconcileOnceAsync()
        {
            var totals = new CountingStream.Totals();
            await using var transport = ActivatorUtilities.CreateInstance<HttpPeerTransport>(requesterProvider);
            transport.ConnectionStreamFilter = stream => new CountingStream(stream, totals);
            var initiator = new ReconciliationInitiator(
                requesterGraph, new ProtocolScenarioOptionsMonitor(requesterOptions), time, NullLogger<ReconciliationInitiator>.Instance, transport);
            var requesterRegistry = new ReconciliationRunRegistry(time);
            using var tracker = requesterRegistry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, Responder, ReconciliationRole.Requester);
            var started = Stopwatch.GetTimestamp();
            var result = await initiator.ReconcileAsync(new ReconciliationRequest(Responder, tracker.RunId, tracker), CancellationToken.None);
            var wall = Stopwatch.GetElapsedTime(started);
            tracker.End(result.State, result.Missing.Count);
            return (result, wall, totals);
        }

        await ReconcileOnceAsync(); // warm-up (JIT, first connection), not reported
        await WaitForServedAsync(served, 1);
        var (measured, elapsed, counted) = await ReconcileOnceAsync();
        var stats = await WaitForServedAsync(served, 2);
        await listener.StopAsync(CancellationToken.None);

        var responderMs = stats?.BusyTime.TotalMilliseconds ?? double.NaN;
        Console.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"http: wall {elapsed.TotalMilliseconds:0.0} ms; TCP bytes requester->responder {counted.Written:N0}, responder->requester {counted.Read:N0}; protocol message bytes sent {measured.BytesSent:N0}, received {measured.BytesReceived:N0}"));
        return new WireRunResult(
            counted.Written,
            counted.Read,
            measured.Exchanges,
            Math.Max(0, elapsed.TotalMilliseconds - responderMs),
            responderMs,
            measured.Missing,
            measured.LocalOnlyCount,
            stats?.SymbolsReceived,
            measured.RoundTrips,
            elapsed.TotalMilliseconds,
            measured.BytesAfterDecoded);
    }

    /// <summary>The responder reports a served run just after its last message; wait (briefly) until it has.</summary>
    private static async Task<ResponderRunStats?> WaitForServedAsync(List<ResponderRunStats> served, int count)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            lock (served)
            {
                if (served.Count >= count)
                {
                    return served[count - 1];
                }
            }

            await Task.Delay(5);
        }

        return null;
    }
}
