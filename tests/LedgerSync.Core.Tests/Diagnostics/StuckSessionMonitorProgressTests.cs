using LedgerSync.Diagnostics;
using LedgerSync.Testing.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

/// <summary>The stuck-session monitor on progress, not only on silence: trickling peers and transports that never connect.</summary>
public sealed class StuckSessionMonitorProgressTests
{
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
    public void CheckNow_PeerTricklesMessagesWithoutProgress_WarnsNoProgress()
    {
        var run = _context.StartRun(PartyB);
        run.ReportProgress();
        for (var i = 0; i < 4; i++)
        {
            // A message every 10 s: never 30 s of silence, but nothing that moves the run forward.
            run.WaitingOn(RunWaitReason.PeerMessage);
            _context.Time.Advance(TimeSpan.FromSeconds(10));
            run.WaitingOn(RunWaitReason.None);
        }

        var stuck = _monitor.CheckNow();

        Assert.That(stuck.Select(r => r.RunId), Is.EqualTo(new[] { run.RunId }));
        var entry = _logs.WithEventId(LedgerSyncEventId.RunNoProgress).Single();
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(entry.Message, Does.Contain($"Reconciliation {run.RunId} has made no progress with O=PartyB, L=London, C=GB for 40 seconds"));
        Assert.That(_logs.WithEventId(LedgerSyncEventId.RunWaitingForPeer), Is.Empty);
    }

    [Test]
    public void CheckNow_RunProgressingWithShortWaits_DoesNotWarn()
    {
        var run = _context.StartRun(PartyB);
        for (var i = 0; i < 6; i++)
        {
            run.WaitingOn(RunWaitReason.PeerMessage);
            _context.Time.Advance(TimeSpan.FromSeconds(10));
            run.WaitingOn(RunWaitReason.None);
            run.ReportProgress();
        }

        var stuck = _monitor.CheckNow();

        Assert.That(stuck, Is.Empty);
        Assert.That(run.Snapshot().LastProgress, Is.EqualTo(_context.Time.GetUtcNow()));
    }

    [Test]
    public void CheckNow_RunConnectingForTheInterval_WarnsConnecting()
    {
        var run = _context.StartRun(PartyC, waitingOn: RunWaitReason.Connecting);
        _context.Time.Advance(TimeSpan.FromSeconds(45));

        var stuck = _monitor.CheckNow();

        Assert.That(stuck.Select(r => r.WaitingOn), Is.EqualTo(new[] { RunWaitReason.Connecting }));
        Assert.That(
            _logs.WithEventId(LedgerSyncEventId.RunConnecting).Single().Message,
            Is.EqualTo($"Reconciliation {run.RunId} has been connecting to O=PartyC, L=Ottawa, C=CA for 45 seconds (this node is the requester)"));
    }

    [Test]
    public void CheckNow_QueuedRunThatNeverProgressed_DoesNotWarn()
    {
        var run = _context.StartRun(PartyD, waitingOn: RunWaitReason.PoolSlot);
        run.ReportProgress();
        _context.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.That(_monitor.CheckNow(), Is.Empty);
    }
}
