using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Transport;
using OpenTelemetry;
using OpenTelemetry.Trace;
using static LedgerSync.Tests.Recovery.RecoveryEndToEndTests;

namespace LedgerSync.Tests.Recovery;

/// <summary>
/// Recovery's spans between two nodes on the in-memory network (which carries nothing of the requester's execution
/// context to the responder), exported by an OpenTelemetry tracer provider with the in-memory exporter.
/// </summary>
[TestFixture]
public sealed class RecoveryTracingTests
{
    private static readonly PartyName A = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName B = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly PartyName C = PartyName.Parse("O=PartyC, L=Paris, C=FR");
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(60);

    private InMemoryNetwork _network = null!;
    private List<RecoveryTestNode> _nodes = null!;
    private List<Activity> _exported = null!;
    private TracerProvider _tracing = null!;

    [SetUp]
    public void SetUp()
    {
        Activity.Current = null;
        _network = new InMemoryNetwork();
        _nodes = [];
        _exported = [];
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(LedgerSyncTelemetry.ActivitySourceName)
            .AddInMemoryExporter(_exported)
            .Build();
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _tracing.Dispose();
        await _network.DisposeAsync();
    }

    [Test]
    public async Task Recovery_TwoNodes_OneTraceWithARequestSpanPerBatchAndTheRespondersSessionUnderTheRequester()
    {
        var shared = Enumerable.Range(0, 5).Select(i => Tx($"traced-{i}", [], A, B)).ToList();
        var notForA = Tx("traced-b-and-c", [], B, C);
        await StartAsync(B, [.. shared, notForA], o => o.MaxAllowedTransactions = 2);
        var a = await StartAsync(A, []);

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [.. shared.Select(t => t.Id), notForA.Id]);
        var ended = await a.WhenEndedAsync(B);
        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        var requester = await RequesterSpanAsync(queued.RecoveryId);
        Assert.That(await WaitForAsync(() => SessionSpans(requester).Count >= 1), Is.True, "the responder's session span should be exported");

        Assert.That(requester.GetTagItem(LedgerSyncTelemetry.OutcomeTag), Is.EqualTo("FINISHED"));
        Assert.That(requester.Status, Is.EqualTo(ActivityStatusCode.Ok));
        Assert.That(requester.GetTagItem(LedgerSyncTelemetry.DifferencesTag), Is.Null, "no reconciliation tag on a recovery span");
        var requests = Snapshot().Where(s => s.DisplayName == $"{RecoveryFlowNames.RecoverTransactions} request" && s.ParentSpanId == requester.SpanId).ToList();
        Assert.That(requests, Has.Count.EqualTo(3), "six IDs in batches of maxAllowedTransactions = 2");
        Assert.That(requests.Sum(r => (int)r.GetTagItem("ledgersync.recovery.recovered")!), Is.EqualTo(5));
        Assert.That(requests.Sum(r => (int)r.GetTagItem("ledgersync.recovery.refused")!), Is.EqualTo(1));
        Assert.That(requests.Select(r => r.TraceId), Is.All.EqualTo(requester.TraceId));
        var session = SessionSpans(requester).Single();
        Assert.That(session.ParentSpanId, Is.EqualTo(requester.SpanId), "the responder's session joins the requester's trace through the recovery hello");
        Assert.That(session.Kind, Is.EqualTo(ActivityKind.Server));
        Assert.That(session.GetTagItem(LedgerSyncTelemetry.OutcomeTag), Is.EqualTo("FINISHED"));
    }

    [Test]
    public async Task Recovery_ResponderServesNoRecoveries_SpanOutcomeIsTheRecoveryStateFailed()
    {
        var shared = Tx("traced-refused", [], A, B);
        await StartAsync(B, [shared], withSource: false);
        var a = await StartAsync(A, []);

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [shared.Id]);
        var ended = await a.WhenEndedAsync(B);
        Assert.That(ended.State, Is.EqualTo(RecoveryState.Failed));
        var requester = await RequesterSpanAsync(queued.RecoveryId);
        Assert.That(await WaitForAsync(() => SessionSpans(requester).Count >= 1), Is.True, "the responder's session span should be exported");

        Assert.That(requester.GetTagItem(LedgerSyncTelemetry.OutcomeTag), Is.EqualTo("FAILED"));
        Assert.That(requester.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(requester.StatusDescription, Is.EqualTo(ended.Error));
        Assert.That(SessionSpans(requester).Single().GetTagItem("ledgersync.recovery.refusal"), Is.EqualTo("NotServing"));
    }

    private async Task<RecoveryTestNode> StartAsync(PartyName party, IEnumerable<TransactionMetadata> ledger, Action<LedgerSyncOptions>? configure = null, bool withSource = true)
    {
        var node = await RecoveryTestNode.StartAsync(_network, party, ledger, configure, withSource: withSource);
        _nodes.Add(node);
        return node;
    }

    private async Task<Activity> RequesterSpanAsync(Guid recoveryId)
    {
        bool Match(Activity s) => s.DisplayName == RecoveryFlowNames.RecoverTransactions && (string?)s.GetTagItem(LedgerSyncTelemetry.RunIdTag) == recoveryId.ToString()
            && (string?)s.GetTagItem(LedgerSyncTelemetry.RoleTag) == LedgerSyncTelemetry.RequesterRole;
        Assert.That(await WaitForAsync(() => Snapshot().Any(Match)), Is.True, "the requester's recovery span should be exported");
        return Snapshot().Single(Match);
    }

    private List<Activity> SessionSpans(Activity requester) =>
        [.. Snapshot().Where(s => s.DisplayName == RecoveryFlowNames.RecoverTransactions && s.TraceId == requester.TraceId
            && (string?)s.GetTagItem(LedgerSyncTelemetry.RoleTag) == LedgerSyncTelemetry.ResponderRole)];

    private List<Activity> Snapshot()
    {
        lock (_exported)
        {
            return [.. _exported];
        }
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RealTimeout);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
