using LedgerSync.Diagnostics;
using LedgerSync.Testing.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class StuckSessionMonitorTests
{
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(30);

    private DiagnosticsTestContext _context = null!;
    private ILoggerFactory _loggerFactory = null!;
    private FakeLogCollector _logs = null!;
    private StuckSessionMonitor _monitor = null!;

    [SetUp]
    public void SetUp()
    {
        _context = new DiagnosticsTestContext();
        _loggerFactory = FakeLogs.CreateFactory(out _logs);
        var options = Options.Create(new LedgerSyncOptions { StuckSessionWarningInterval = TimeSpan.FromSeconds(30) });
        _monitor = new StuckSessionMonitor(_context.Registry, options, _loggerFactory.CreateLogger<StuckSessionMonitor>());
    }

    [TearDown]
    public void TearDown()
    {
        _monitor.Dispose();
        _loggerFactory.Dispose();
    }

    [Test]
    public void CheckNow_RunWaitingOnPeerForTheInterval_WarnsInTheFlowScope()
    {
        var run = _context.StartRunHeldMidExchange(PartyB, waitSeconds: 30);

        var stuck = _monitor.CheckNow();

        Assert.That(stuck.Select(r => r.RunId), Is.EqualTo(new[] { run.RunId }));
        var entry = _logs.WithEventId(LedgerSyncEventId.RunWaitingForPeer).Single();
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(entry.Category, Is.EqualTo(typeof(StuckSessionMonitor).FullName));
        Assert.That(
            entry.Message,
            Is.EqualTo($"Reconciliation {run.RunId} has been waiting 30 seconds for messages from O=PartyB, L=London, C=GB (this node is the requester)"));
        Assert.That(entry.ScopeValues()["FlowName"], Is.EqualTo("ReconcileWithPartyFlow"));
        Assert.That(entry.ScopeValues()["RunId"], Is.EqualTo(run.RunId));
        Assert.That(entry.ScopeValues()["Party"], Is.EqualTo("O=PartyB, L=London, C=GB"));
        Assert.That(entry.GetStructuredStateValue("Seconds"), Is.EqualTo("30"));
    }

    [Test]
    public void CheckNow_ShorterPeerWaitsAndOtherWaits_DoesNotWarn()
    {
        _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        _context.StartRun(PartyC, waitingOn: RunWaitReason.RetryBackoff);
        _context.StartRun(PartyD, waitingOn: RunWaitReason.None);
        _context.Time.Advance(TimeSpan.FromMinutes(10));
        _context.StartRun(PartyE, ReconciliationRole.Responder, RunWaitReason.PeerMessage);
        _context.Time.Advance(TimeSpan.FromSeconds(29));

        Assert.That(_monitor.CheckNow(), Is.Empty);
        Assert.That(_logs.GetSnapshot(), Is.Empty);
    }

    [Test]
    public void CheckNow_PeerAnswersThenIsAwaitedAgain_CountsFromTheNewWait()
    {
        var run = _context.StartRun(PartyB, ReconciliationRole.Responder, RunWaitReason.PeerMessage);
        _context.Time.Advance(TimeSpan.FromSeconds(25));
        run.WaitingOn(RunWaitReason.None);
        run.WaitingOn(RunWaitReason.PeerMessage);
        _context.Time.Advance(TimeSpan.FromSeconds(25));

        Assert.That(_monitor.CheckNow(), Is.Empty);
    }

    [Test]
    public async Task ExecuteAsync_ClockAdvancedPastTheInterval_WarnsEachPeriod()
    {
        var run = _context.StartRun(PartyB, waitingOn: RunWaitReason.PeerMessage);
        var ticking = _context.Time.NextTimerAsync(_monitor.Interval, RealTimeout);
        await _monitor.StartAsync(CancellationToken.None);
        await ticking; // the service's loop (on another thread) now waits on its periodic timer

        _context.Time.Advance(_monitor.Interval);
        var first = await _logs.WaitForEventAsync(LedgerSyncEventId.RunWaitingForPeer, RealTimeout);
        Assert.That(first, Has.Count.EqualTo(1), "one warning per period");
        Assert.That(first[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(first[0].GetStructuredStateValue("Seconds"), Is.EqualTo("30"), "warned one interval (30 s) after the run started waiting");
        Assert.That(first[0].ScopeValues()["RunId"], Is.EqualTo(run.RunId));

        _context.Time.Advance(_monitor.Interval);
        var second = await _logs.WaitForEventAsync(LedgerSyncEventId.RunWaitingForPeer, RealTimeout, count: 2);
        Assert.That(second[1].GetStructuredStateValue("Seconds"), Is.EqualTo("60"));

        await _monitor.StopAsync(CancellationToken.None);
    }
}
