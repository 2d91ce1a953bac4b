using System.Reflection;
using LedgerSync.Diagnostics;
using NetArchTest.Rules;

namespace LedgerSync.Tests.Architecture;

/// <summary>
/// The core's layers: Sketches knows nothing of the rest; the protocol uses the sketches; the scheduler uses the
/// protocol; the flows sit on top. Diagnostics is two layers: run tracking (below the protocol, which reports to it)
/// and monitoring (the query API, health, metrics, dump, stuck-session monitor, on top of the status store and the
/// ledger graph), which nothing below the flows may use.
/// </summary>
public sealed class LayerTests
{
    private static readonly Assembly Core = typeof(LedgerSyncOptions).Assembly;

    private static readonly string[] MonitoringTypes =
    [
        typeof(ReconciliationMonitor).FullName!,
        typeof(LedgerSyncHealthCheck).FullName!,
        typeof(LedgerSyncMetrics).FullName!,
        typeof(InFlightDumper).FullName!,
        typeof(StuckSessionMonitor).FullName!,
        typeof(InFlightRunDocument).FullName!,
    ];

    private static readonly string[] RunTrackingTypes =
    [
        typeof(RunTracker).FullName!,
        typeof(ReconciliationRunRegistry).FullName!,
        typeof(RunActivity).FullName!,
        typeof(RunSnapshot).FullName!,
        typeof(RunStage).FullName!,
        typeof(RunWaitReason).FullName!,
        typeof(ReconciliationRole).FullName!,
        typeof(LedgerSyncTelemetry).FullName!,
        typeof(FlowLogScope).FullName!,
    ];

    [TestCase("LedgerSync.Sketches", new[] { "LedgerSync.Protocol", "LedgerSync.Scheduling", "LedgerSync.Flows", "LedgerSync.Ledger", "LedgerSync.Status", "LedgerSync.Diagnostics", "LedgerSync.Transport" })]
    [TestCase("LedgerSync.Protocol", new[] { "LedgerSync.Scheduling", "LedgerSync.Flows" })]
    [TestCase("LedgerSync.Scheduling", new[] { "LedgerSync.Flows" })]
    [TestCase("LedgerSync.Transport", new[] { "LedgerSync.Scheduling", "LedgerSync.Flows" })]
    [TestCase("LedgerSync.Status", new[] { "LedgerSync.Protocol", "LedgerSync.Scheduling", "LedgerSync.Flows" })]
    [TestCase("LedgerSync.Ledger", new[] { "LedgerSync.Protocol", "LedgerSync.Scheduling", "LedgerSync.Flows" })]
    [TestCase("LedgerSync.Diagnostics", new[] { "LedgerSync.Flows" })]
    public void Namespace_DoesNotReachUp(string layer, string[] above)
    {
        var result = Types.InAssembly(Core).That().ResideInNamespaceMatching(InNamespace(layer)).ShouldNot().HaveDependencyOnAny(above).GetResult();

        Assert.That(Types.InAssembly(Core).That().ResideInNamespaceMatching(InNamespace(layer)).GetTypes(), Is.Not.Empty, $"the rule selects the types of {layer}");
        Assert.That(result.FailingTypeNames ?? [], Is.Empty, $"types in {layer} that use {string.Join(", ", above)}");
    }

    [Test]
    public void Rules_SeeTheDependenciesThatExist()
    {
        // A control: the scheduler's dispatcher does use the protocol and run tracking, so the rules above can fail.
        var dispatcher = Types.InAssembly(Core).That().HaveNameMatching("^ReconciliationDispatcher$");

        Assert.That(dispatcher.Should().HaveDependencyOn("LedgerSync.Protocol").GetResult().IsSuccessful, Is.True);
        Assert.That(dispatcher.ShouldNot().HaveDependencyOnAny(RunTrackingTypes).GetResult().IsSuccessful, Is.False);
    }

    [TestCase("LedgerSync.Sketches")]
    [TestCase("LedgerSync.Protocol")]
    [TestCase("LedgerSync.Scheduling")]
    [TestCase("LedgerSync.Transport")]
    [TestCase("LedgerSync.Ledger")]
    [TestCase("LedgerSync.Status")]
    public void LayerBelowTheFlows_DoesNotUseMonitoring(string layer)
    {
        var result = Types.InAssembly(Core).That().ResideInNamespaceMatching(InNamespace(layer)).ShouldNot().HaveDependencyOnAny(MonitoringTypes).GetResult();

        Assert.That(Types.InAssembly(Core).That().ResideInNamespaceMatching(InNamespace(layer)).GetTypes(), Is.Not.Empty, $"the rule selects the types of {layer}");
        Assert.That(result.FailingTypeNames ?? [], Is.Empty, $"types in {layer} that use the monitoring layer");
    }

    [Test]
    public void RunTracking_DependsOnNothingAboveIt()
    {
        var result = Types.InAssembly(Core).That().HaveNameMatching(string.Join('|', RunTrackingTypes.Select(t => "^" + t.Split('.')[^1] + "$")))
            .And().ResideInNamespace("LedgerSync.Diagnostics")
            .ShouldNot().HaveDependencyOnAny(["LedgerSync.Protocol", "LedgerSync.Scheduling", "LedgerSync.Flows", "LedgerSync.Status", "LedgerSync.Ledger", .. MonitoringTypes])
            .GetResult();

        Assert.That(result.FailingTypeNames ?? [], Is.Empty);
        Assert.That(Types.InAssembly(Core).That().HaveNameMatching("^RunTracker$").GetTypes(), Is.Not.Empty, "the rule selects the run-tracking types");
    }

    // ResideInNamespace("LedgerSync.Ledger") is a prefix match: it would also select LedgerSync.LedgerSyncNode (namespace
    // LedgerSync, the composition root on top of every layer). Select the namespace and its children only.
    private static string InNamespace(string layer) => "^" + System.Text.RegularExpressions.Regex.Escape(layer) + @"(\.|$)";
}
