using System.Collections.Concurrent;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using LedgerSync.Testing.Diagnostics;

namespace LedgerSync.Tests.Protocol;

/// <summary>One node of a protocol test: its graph, options, initiator and responder, joined to an in-memory network.</summary>
internal sealed class ProtocolNode : IInboundSessionHandler
{
    public ProtocolNode(InMemoryNetwork network, PartyName party, ILedgerGraph? graph = null, TimeProvider? timeProvider = null, Action<LedgerSyncOptions>? configure = null)
    {
        Party = party;
        Graph = graph ?? new FakeLedgerGraph();
        var time = timeProvider ?? TimeProvider.System;
        Options = new LedgerSyncOptions { LocalParty = party };
        configure?.Invoke(Options);
        var monitor = new TestOptionsMonitor<LedgerSyncOptions>(Options);
        Registry = Telemetry.CreateRegistry(time);
        Admission = new StandaloneIncomingReconciliationAdmission(Microsoft.Extensions.Options.Options.Create(Options), Registry);
        RateLimiter = new IncomingRequestRateLimiter(monitor, time);
        Encoders = new WarmEncoderCache(Graph);
        Responder = new ReconciliationResponder(Graph, Admission, RateLimiter, Encoders, monitor, time, NullLogger<ReconciliationResponder>.Instance);
        Initiator = new ReconciliationInitiator(Graph, monitor, time, NullLogger<ReconciliationInitiator>.Instance, network.CreateTransport(party));
        network.Register(party, this);
    }

    public PartyName Party { get; }

    /// <summary>Receives the registry's run events; tests add handlers to it.</summary>
    public RunTelemetryProbe Telemetry { get; } = new();

    public ILedgerGraph Graph { get; }

    public FakeLedgerGraph Fake => (FakeLedgerGraph)Graph;

    public LedgerSyncOptions Options { get; }

    public ReconciliationRunRegistry Registry { get; }

    public StandaloneIncomingReconciliationAdmission Admission { get; }

    public IncomingRequestRateLimiter RateLimiter { get; }

    public WarmEncoderCache Encoders { get; }

    public ReconciliationResponder Responder { get; private set; }

    public ReconciliationInitiator Initiator { get; }

    public ConcurrentQueue<ResponderOutcome> Outcomes { get; } = new();

    public void UseAdmission(IIncomingReconciliationAdmission admission, TimeProvider? timeProvider = null) =>
        Responder = new ReconciliationResponder(Graph, admission, RateLimiter, Encoders, new TestOptionsMonitor<LedgerSyncOptions>(Options), timeProvider ?? TimeProvider.System, NullLogger<ReconciliationResponder>.Instance);

    public async Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default) =>
        Outcomes.Enqueue(await Responder.RespondAsync(session, cancellationToken));

    public async Task<ReconciliationResult> ReconcileAsync(PartyName counterparty, CancellationToken cancellationToken = default)
    {
        var tracker = Registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, counterparty, ReconciliationRole.Requester);
        try
        {
            var result = await Initiator.ReconcileAsync(new ReconciliationRequest(counterparty, tracker.RunId, tracker), cancellationToken);
            tracker.End(result.State, result.Missing.Count);
            return result;
        }
        catch (Exception ex)
        {
            tracker.End(ReconciliationState.Failed, 0, ex.Message);
            throw;
        }
    }
}
