using System.Collections.Concurrent;
using System.Diagnostics;
using LedgerSync.Diagnostics;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class LedgerSyncTracingTests
{
    private DiagnosticsTestContext _context = null!;
    private LedgerSyncTracing _tracing = null!;
    private ActivityListener _listener = null!;
    private ConcurrentQueue<Activity> _stopped = null!;

    [SetUp]
    public void SetUp()
    {
        _context = new DiagnosticsTestContext();
        _stopped = new ConcurrentQueue<Activity>();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LedgerSyncTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _tracing = new LedgerSyncTracing(_context.Registry);
    }

    [TearDown]
    public void TearDown()
    {
        _tracing.Dispose();
        _listener.Dispose();
    }

    [Test]
    public void RunEnded_RunWithOneExchange_RecordsRunSpanWithTagsAndExplicitTimes()
    {
        var started = _context.Time.GetUtcNow();
        var run = _context.StartRunHeldMidExchange(PartyB, waitSeconds: 10);
        run.AddBytesReceived(500);
        run.End(ReconciliationState.DifferencesFound, differences: 3);

        var span = SpansOf(run).Single(a => a.DisplayName == FlowNames.ReconcileWithParty);
        Assert.That(span.StartTimeUtc, Is.EqualTo(started.UtcDateTime));
        Assert.That(span.Duration, Is.EqualTo(TimeSpan.FromSeconds(16)));
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Ok));
        Assert.That(span.TagObjects.ToDictionary(t => t.Key, t => t.Value), Is.EquivalentTo(new Dictionary<string, object?>
        {
            ["ledgersync.run_id"] = run.RunId.ToString(),
            ["ledgersync.party"] = "O=PartyB, L=London, C=GB",
            ["ledgersync.role"] = "requester",
            ["ledgersync.outcome"] = "DIFFERENCES_FOUND",
            ["ledgersync.differences"] = 3,
            ["ledgersync.exchange"] = 1,
            ["ledgersync.bytes_sent"] = 49200L,
            ["ledgersync.bytes_received"] = 3500L,
        }));
        Assert.That(span.Events.Select(e => e.Name), Does.Contain("waiting on PoolSlot").And.Contain("waiting on PeerMessage"));
    }

    [Test]
    public void ExchangeCompleted_AfterQueueing_RecordsChildSpanFromLeavingTheQueue()
    {
        var started = _context.Time.GetUtcNow();
        var run = _context.StartRunHeldMidExchange(PartyB, waitSeconds: 10);

        var exchange = SpansOf(run).Single(a => a.DisplayName == "ReconcileWithPartyFlow exchange");
        run.End(ReconciliationState.DifferencesNotFound);
        var parent = SpansOf(run).Single(a => a.DisplayName == FlowNames.ReconcileWithParty);

        Assert.That(exchange.ParentSpanId, Is.EqualTo(parent.SpanId));
        Assert.That(exchange.TraceId, Is.EqualTo(parent.TraceId));
        Assert.That(exchange.StartTimeUtc, Is.EqualTo(started.AddSeconds(5).UtcDateTime), "the 5 s in the queue are not part of the exchange");
        Assert.That(exchange.Duration, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(exchange.GetTagItem("ledgersync.exchange"), Is.EqualTo(1));
        Assert.That(exchange.GetTagItem("ledgersync.bytes_sent"), Is.EqualTo(1200L));
        Assert.That(exchange.GetTagItem("ledgersync.bytes_received"), Is.EqualTo(3000L));
    }

    [Test]
    public void RunEnded_Failed_SetsErrorStatusWithTheError()
    {
        var run = _context.StartRun(PartyB, ReconciliationRole.Responder, RunWaitReason.PeerMessage);

        run.End(ReconciliationState.Failed, error: "no message from O=PartyB, L=London, C=GB within 00:02:00");

        var span = SpansOf(run).Single();
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(span.StatusDescription, Does.Contain("no message from O=PartyB"));
        Assert.That(span.GetTagItem("ledgersync.role"), Is.EqualTo("responder"));
    }

    [Test]
    public void RunStarted_InsideAnActivity_IsItsChildAndLeavesCurrentUnchanged()
    {
        using var caller = new Activity("ScheduleReconciliationFlow call").Start();

        var run = _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        run.WaitingOn(RunWaitReason.None);
        run.ExchangeCompleted();
        Assert.That(Activity.Current, Is.SameAs(caller));
        run.End(ReconciliationState.DifferencesNotFound);

        Assert.That(Activity.Current, Is.SameAs(caller));
        var span = SpansOf(run).Single(a => a.DisplayName == FlowNames.ReconcileWithParty);
        Assert.That(span.ParentSpanId, Is.EqualTo(caller.SpanId));
    }

    private List<Activity> SpansOf(RunTracker run) =>
        [.. _stopped.Where(a => (string?)a.GetTagItem("ledgersync.run_id") == run.RunId.ToString())];
}
