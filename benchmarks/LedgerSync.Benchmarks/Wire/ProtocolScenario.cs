using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Testing;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Benchmarks.Wire;

/// <summary>
/// The full reconciliation protocol, end to end: a requester node and a responder node on an
/// <see cref="InMemoryNetwork"/>, the real initiator and responder state machines (hello, acceptance, credit-windowed
/// symbol streaming, done), with every byte of every message counted by the network per direction. The responder's
/// encoder for the requester is warm (built before the run, as it is kept warm by its relevant-set subscription).
/// Requester time is the wall time of the run minus the responder's busy time; responder time is its busy time.
/// </summary>
internal sealed class ProtocolScenario : IWireScenario
{
    private static readonly PartyName Requester = PartyName.Parse("O=Requester, L=London, C=GB");
    private static readonly PartyName Responder = PartyName.Parse("O=Responder, L=Ottawa, C=CA");

    public string Name => "LedgerSync protocol over the in-memory transport (every byte of every message)";

    public WireRunResult Run(WireRunInput input) => RunAsync(input).GetAwaiter().GetResult();

    internal static async Task<WireRunResult> RunAsync(WireRunInput input)
    {
        await using var network = new InMemoryNetwork { Latency = input.Latency };
        var requesterGraph = new ProtocolScenarioGraph(Responder, input.RequesterIds);
        var responderGraph = new ProtocolScenarioGraph(Requester, input.ResponderIds);
        var requesterOptions = new LedgerSyncOptions { LocalParty = Requester };
        var responderOptions = new LedgerSyncOptions { LocalParty = Responder };
        var time = TimeProvider.System;

        var registry = new ReconciliationRunRegistry(time);
        var encoders = new WarmEncoderCache(responderGraph);
        var responderMonitor = new ProtocolScenarioOptionsMonitor(responderOptions);
        using var admission = new StandaloneIncomingReconciliationAdmission(Microsoft.Extensions.Options.Options.Create(responderOptions), registry);
        var responder = new ReconciliationResponder(
            responderGraph, admission, new IncomingRequestRateLimiter(responderMonitor, time), encoders, responderMonitor, time,
            NullLogger<ReconciliationResponder>.Instance);
        ResponderRunStats? stats = null;
        responder.RunServed = s => stats = s;
        network.Register(Responder, responder);
        encoders.Get(Requester).Acquire(out _).Dispose(); // warm

        var initiator = new ReconciliationInitiator(
            requesterGraph, new ProtocolScenarioOptionsMonitor(requesterOptions), time, NullLogger<ReconciliationInitiator>.Instance,
            network.CreateTransport(Requester));
        var tracker = registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, Responder, ReconciliationRole.Requester);
        var started = Stopwatch.GetTimestamp();
        var result = await initiator.ReconcileAsync(new ReconciliationRequest(Responder, tracker.RunId, tracker), CancellationToken.None);
        var wall = Stopwatch.GetElapsedTime(started);
        tracker.End(result.State, result.Missing.Count);
        await network.WhenHandlersIdleAsync();

        var responderMs = stats?.BusyTime.TotalMilliseconds ?? double.NaN;
        return new WireRunResult(
            network.GetTraffic(Requester, Responder).Bytes,
            network.GetTraffic(Responder, Requester).Bytes,
            result.Exchanges,
            Math.Max(0, wall.TotalMilliseconds - responderMs),
            responderMs,
            result.Missing,
            result.LocalOnlyCount,
            stats?.SymbolsReceived,
            result.RoundTrips,
            wall.TotalMilliseconds,
            result.BytesAfterDecoded);
    }
}
