using System.Collections.Concurrent;
using System.Diagnostics;
using LedgerSync.Diagnostics;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

/// <summary>The span of a run's execution (<see cref="RunTracker.StartActivity"/>): current while it runs, with its exchanges as children.</summary>
public sealed class RunActivityTests
{
    private DiagnosticsTestContext _context = null!;
    private ActivityListener _listener = null!;
    private ConcurrentQueue<Activity> _stopped = null!;

    [SetUp]
    public void SetUp()
    {
        Activity.Current = null;
        _context = new DiagnosticsTestContext();
        _stopped = new ConcurrentQueue<Activity>();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LedgerSyncTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [TearDown]
    public void TearDown() => _listener.Dispose();

    [Test]
    public void StartActivity_WhileTheRunExecutes_IsCurrentAndEndsWithTagsAndClockTimes()
    {
        var run = _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        _context.Time.Advance(TimeSpan.FromSeconds(5));
        var executing = _context.Time.GetUtcNow();
        using (var execution = run.StartActivity(ActivityKind.Internal))
        {
            Assert.That(Activity.Current, Is.SameAs(execution!.Activity));
            run.WaitingOn(RunWaitReason.None);
            run.AddBytesSent(1200);
            run.WaitingOn(RunWaitReason.PeerMessage);
            _context.Time.Advance(TimeSpan.FromSeconds(2));
            run.AddBytesReceived(3000);
            run.ExchangeCompleted();
            run.End(ReconciliationState.DifferencesFound, differences: 3);
            _context.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.That(Activity.Current, Is.Null);
        var span = SpansOf(run).Single(a => a.DisplayName == FlowNames.ReconcileWithParty);
        Assert.That(span.StartTimeUtc, Is.EqualTo(executing.UtcDateTime), "the 5 s in the queue are not part of the execution");
        Assert.That(span.Duration, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Ok));
        Assert.That(span.TagObjects.ToDictionary(t => t.Key, t => t.Value), Is.EquivalentTo(new Dictionary<string, object?>
        {
            ["ledgersync.run_id"] = run.RunId.ToString(),
            ["ledgersync.party"] = "O=PartyB, L=London, C=GB",
            ["ledgersync.role"] = "requester",
            ["ledgersync.outcome"] = "DIFFERENCES_FOUND",
            ["ledgersync.differences"] = 3,
            ["ledgersync.exchange"] = 1,
            ["ledgersync.bytes_sent"] = 1200L,
            ["ledgersync.bytes_received"] = 3000L,
        }));
        Assert.That(span.Events.Select(e => e.Name), Is.EqualTo((string[])["working", "waiting on PeerMessage"]));
    }

    [Test]
    public void ExchangeCompleted_DuringExecution_RecordsAChildSpanAndTheRunStaysCurrent()
    {
        var run = _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        _context.Time.Advance(TimeSpan.FromSeconds(5));
        var executing = _context.Time.GetUtcNow();
        using var execution = run.StartActivity(ActivityKind.Internal);
        run.AddBytesSent(1200);
        _context.Time.Advance(TimeSpan.FromSeconds(1));
        run.AddBytesReceived(3000);
        run.ExchangeCompleted();
        run.AddBytesSent(800);
        _context.Time.Advance(TimeSpan.FromSeconds(2));
        run.ExchangeCompleted();

        Assert.That(Activity.Current, Is.SameAs(execution!.Activity));
        var exchanges = SpansOf(run).Where(a => a.DisplayName == "ReconcileWithPartyFlow exchange").ToList();
        Assert.That(exchanges.Select(e => e.ParentSpanId), Is.All.EqualTo(execution.Activity.SpanId));
        Assert.That(exchanges.Select(e => e.TraceId), Is.All.EqualTo(execution.Activity.TraceId));
        Assert.That(exchanges.Select(e => e.StartTimeUtc), Is.EqualTo(new[] { executing.UtcDateTime, executing.AddSeconds(1).UtcDateTime }));
        Assert.That(exchanges.Select(e => e.Duration), Is.EqualTo(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }));
        Assert.That(exchanges.Select(e => e.GetTagItem("ledgersync.exchange")), Is.EqualTo(new object[] { 1, 2 }));
        Assert.That(exchanges.Select(e => e.GetTagItem("ledgersync.bytes_sent")), Is.EqualTo(new object[] { 1200L, 800L }));
        Assert.That(exchanges.Select(e => e.GetTagItem("ledgersync.bytes_received")), Is.EqualTo(new object[] { 3000L, 0L }));
    }

    [Test]
    public void End_Failed_SetsErrorStatusWithTheError()
    {
        var run = _context.StartRun(PartyB, ReconciliationRole.Responder, RunWaitReason.PeerMessage);
        using (run.StartActivity(ActivityKind.Server))
        {
            run.End(ReconciliationState.Failed, error: "no message from O=PartyB, L=London, C=GB within 00:02:00");
        }

        var span = SpansOf(run).Single();
        Assert.That(span.Kind, Is.EqualTo(ActivityKind.Server));
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(span.StatusDescription, Does.Contain("no message from O=PartyB"));
        Assert.That(span.GetTagItem("ledgersync.role"), Is.EqualTo("responder"));
    }

    [Test]
    public void StartActivity_RunRegisteredInsideACallersSpan_IsItsChildEvenWhenExecutedElsewhere()
    {
        RunTracker run;
        ActivityContext caller;
        using (var call = new Activity("ScheduleReconciliationFlow call").Start())
        {
            caller = call.Context;
            run = _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        }

        Assert.That(Activity.Current, Is.Null);
        using (run.StartActivity(ActivityKind.Internal))
        {
            run.End(ReconciliationState.DifferencesNotFound);
        }

        var span = SpansOf(run).Single();
        Assert.That(span.TraceId, Is.EqualTo(caller.TraceId));
        Assert.That(span.ParentSpanId, Is.EqualTo(caller.SpanId));
    }

    [Test]
    public void StartActivity_RemoteParent_JoinsItsTraceAndRestoresTheCurrentSpanOnDispose()
    {
        using var local = new Activity("transport request").Start();
        var remote = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var run = _context.StartRun(PartyB, ReconciliationRole.Responder);

        using (var execution = run.StartActivity(ActivityKind.Server, remote))
        {
            Assert.That(Activity.Current, Is.SameAs(execution!.Activity));
            run.End(ReconciliationState.DifferencesNotFound);
        }

        Assert.That(Activity.Current, Is.SameAs(local));
        var span = SpansOf(run).Single();
        Assert.That(span.TraceId, Is.EqualTo(remote.TraceId));
        Assert.That(span.ParentSpanId, Is.EqualTo(remote.SpanId));
    }

    private List<Activity> SpansOf(RunTracker run) =>
        [.. _stopped.Where(a => (string?)a.GetTagItem("ledgersync.run_id") == run.RunId.ToString())];
}
