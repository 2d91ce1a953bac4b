using System.Diagnostics.Metrics;
using LedgerSync.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

/// <summary>Two nodes in one process, sharing one <see cref="IMeterFactory"/>: their measurements tell them apart by the local party.</summary>
public sealed class LedgerSyncMetricsLocalPartyTests
{
    private static readonly PartyName NodeA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName NodeB = PartyName.Parse("O=PartyB, L=London, C=GB");

    private ServiceProvider _services = null!;

    [SetUp]
    public void SetUp() => _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [TearDown]
    public void TearDown() => _services.Dispose();

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    [Test]
    public void RunEnded_TwoNodesOnOneMeterFactory_EachMeasurementCarriesItsNodesParty()
    {
        var (contextA, metricsA) = CreateNode(NodeA);
        var (contextB, metricsB) = CreateNode(NodeB);
        using var _ = metricsA;
        using var __ = metricsB;
        using var runsA = new MetricCollector<long>(metricsA.Meter, LedgerSyncTelemetry.RunsInstrument);
        using var runsB = new MetricCollector<long>(metricsB.Meter, LedgerSyncTelemetry.RunsInstrument);

        contextA.StartRun(PartyC).End(ReconciliationState.DifferencesNotFound);
        contextB.StartRun(PartyC).End(ReconciliationState.Failed, error: "peer went away");
        contextB.StartRun(PartyD).End(ReconciliationState.Failed, error: "peer went away");

        Assert.That(metricsA.Meter, Is.Not.SameAs(metricsB.Meter), "one meter per node, though both are named LedgerSync");
        Assert.That(metricsA.Meter.Name, Is.EqualTo(LedgerSyncTelemetry.MeterName));
        Assert.That(metricsA.Meter.Tags, Is.EquivalentTo(new[] { LocalParty(NodeA) }));
        Assert.That(runsA.GetMeasurementSnapshot().Select(m => m.Tags[LedgerSyncTelemetry.LocalPartyTag]), Is.EqualTo(new[] { NodeA.ToString() }));
        Assert.That(runsB.GetMeasurementSnapshot().Select(m => m.Tags[LedgerSyncTelemetry.LocalPartyTag]), Is.EqualTo(new[] { NodeB.ToString(), NodeB.ToString() }));
        Assert.That(runsB.GetMeasurementSnapshot().Select(m => m.Tags[LedgerSyncTelemetry.OutcomeTag]), Is.All.EqualTo("FAILED"));
    }

    [Test]
    public void Gauges_TwoNodes_ReportEachNodesOwnCountUnderItsParty()
    {
        var (contextA, metricsA) = CreateNode(NodeA);
        var (contextB, metricsB) = CreateNode(NodeB);
        using var _ = metricsA;
        using var __ = metricsB;
        using var inProgressA = new MetricCollector<int>(metricsA.Meter, LedgerSyncTelemetry.InProgressInstrument);
        using var inProgressB = new MetricCollector<int>(metricsB.Meter, LedgerSyncTelemetry.InProgressInstrument);
        contextA.StartRun(PartyC);
        contextB.StartRun(PartyC);
        contextB.StartRun(PartyD);

        inProgressA.RecordObservableInstruments();
        inProgressB.RecordObservableInstruments();

        var requesterA = inProgressA.GetMeasurementSnapshot().Single(m => (string?)m.Tags[LedgerSyncTelemetry.RoleTag] == "requester");
        var requesterB = inProgressB.GetMeasurementSnapshot().Single(m => (string?)m.Tags[LedgerSyncTelemetry.RoleTag] == "requester");
        Assert.That((requesterA.Value, requesterA.Tags[LedgerSyncTelemetry.LocalPartyTag]), Is.EqualTo((1, (object?)NodeA.ToString())));
        Assert.That((requesterB.Value, requesterB.Tags[LedgerSyncTelemetry.LocalPartyTag]), Is.EqualTo((2, (object?)NodeB.ToString())));
    }

    [Test]
    public void RunEnded_NoLocalPartyConfigured_LeavesTheTagOut()
    {
        var context = new DiagnosticsTestContext();
        using var metrics = new LedgerSyncMetrics(context.Registry, context.Monitor, context.LedgerGraph, meterFactory: MeterFactory);
        context.Telemetry.Add(new MetricsTelemetryListener(metrics));
        using var runs = new MetricCollector<long>(metrics.Meter, LedgerSyncTelemetry.RunsInstrument);

        context.StartRun(PartyC).End(ReconciliationState.DifferencesNotFound);

        Assert.That(runs.LastMeasurement!.Tags.Keys, Does.Not.Contain(LedgerSyncTelemetry.LocalPartyTag).And.Contain(LedgerSyncTelemetry.OutcomeTag));
    }

    private static KeyValuePair<string, object?> LocalParty(PartyName party) => new(LedgerSyncTelemetry.LocalPartyTag, party.ToString());

    private (DiagnosticsTestContext Context, LedgerSyncMetrics Metrics) CreateNode(PartyName localParty)
    {
        var context = new DiagnosticsTestContext();
        var options = Options.Create(new LedgerSyncOptions { LocalParty = localParty });
        var metrics = new LedgerSyncMetrics(context.Registry, context.Monitor, context.LedgerGraph, meterFactory: MeterFactory, options: options);
        context.Telemetry.Add(new MetricsTelemetryListener(metrics));
        return (context, metrics);
    }
}
