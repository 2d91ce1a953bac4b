using LedgerSync.Diagnostics;
using LedgerSync.Testing.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class StuckSessionMonitorTests
{
    private DiagnosticsTestContext _context = null!;
    private ILoggerFactory _loggerFactory = null!;
    private CollectingLoggerProvider _logs = null!;
    private StuckSessionMonitor _monitor = null!;

    [SetUp]
    public void SetUp()
    {
        _context = new DiagnosticsTestContext();
        _loggerFactory = CollectingLoggerProvider.CreateFactory(out _logs);
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
        var entry = _logs.WithEventId(6000).Single();
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(entry.Category, Is.EqualTo(typeof(StuckSessionMonitor).FullName));
        Assert.That(
            entry.Message,
            Is.EqualTo($"Reconciliation {run.RunId} has been waiting 30 seconds for messages from O=PartyB, L=London, C=GB (this node is the requester)"));
        Assert.That(entry.ScopeValues["FlowName"], Is.EqualTo("ReconcileWithPartyFlow"));
        Assert.That(entry.ScopeValues["RunId"], Is.EqualTo(run.RunId));
        Assert.That(entry.ScopeValues["Party"], Is.EqualTo("O=PartyB, L=London, C=GB"));
        Assert.That(entry.GetStateValue("Seconds"), Is.EqualTo(30L));
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
        Assert.That(_logs.Entries, Is.Empty);
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
        await _monitor.StartAsync(CancellationToken.None);

        // The service's loop starts on another thread; advance the fake clock one period at a time until it ticks.
        for (var attempt = 0; attempt < 100 && _logs.WithEventId(6000).Count == 0; attempt++)
        {
            _context.Time.Advance(_monitor.Interval);
            await WaitForAsync(() => _logs.WithEventId(6000).Count > 0, TimeSpan.FromMilliseconds(100));
        }

        var first = _logs.WithEventId(6000);
        Assert.That(first, Is.Not.Empty, "no warning after advancing the clock");
        Assert.That((long)first[0].GetStateValue("Seconds")! % 30, Is.Zero);
        Assert.That(first[0].ScopeValues["RunId"], Is.EqualTo(run.RunId));

        var count = first.Count;
        _context.Time.Advance(_monitor.Interval);
        await WaitForAsync(() => _logs.WithEventId(6000).Count > count, TimeSpan.FromSeconds(10));
        Assert.That(_logs.WithEventId(6000), Has.Count.GreaterThan(count));

        await _monitor.StopAsync(CancellationToken.None);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}
