using LedgerSync.Diagnostics;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class RunTrackerTests
{
    private DiagnosticsTestContext _context = null!;

    [SetUp]
    public void SetUp() => _context = new DiagnosticsTestContext();

    [Test]
    public void WaitingOn_ReasonChanges_RaisesWaitChangedOncePerChangeWithTheTime()
    {
        var changes = new List<(RunWaitReason Reason, DateTimeOffset Since)>();
        _context.Telemetry.On<WaitChangedArguments>((_, e) => changes.Add((e.Reason, e.Since)));
        var run = _context.StartRun(PartyB);
        var start = _context.Time.GetUtcNow();

        run.WaitingOn(RunWaitReason.PoolSlot);
        run.WaitingOn(RunWaitReason.PoolSlot);
        _context.Time.Advance(TimeSpan.FromSeconds(4));
        run.WaitingOn(RunWaitReason.None);

        Assert.That(changes, Is.EqualTo(new List<(RunWaitReason, DateTimeOffset)>
        {
            (RunWaitReason.PoolSlot, start),
            (RunWaitReason.None, start.AddSeconds(4)),
        }));
        Assert.That(run.CurrentWait, Is.EqualTo(RunWaitReason.None));
    }

    [Test]
    public void ReportSymbols_ExpectedBelowTransferredOrNegative_SnapshotKeepsTheRatioAtMostOne()
    {
        var run = _context.StartRun(PartyB);

        run.ReportSymbols(300, 1000);
        var partWay = run.Snapshot();
        run.ReportSymbols(1200, 1000);
        var past = run.Snapshot();
        run.ReportSymbols(-5, -1);
        var negative = run.Snapshot();

        Assert.Multiple(() =>
        {
            Assert.That((partWay.CodedSymbols, partWay.CodedSymbolsExpected), Is.EqualTo((300L, 1000L)));
            Assert.That((past.CodedSymbols, past.CodedSymbolsExpected), Is.EqualTo((1200L, 1200L)));
            Assert.That((negative.CodedSymbols, negative.CodedSymbolsExpected), Is.EqualTo((0L, 0L)));
        });
    }

    [Test]
    public void Snapshot_RunHeldMidExchange_CarriesWaitSinceAndCounters()
    {
        var run = _context.StartRunHeldMidExchange(PartyB, waitSeconds: 7);

        var snapshot = run.Snapshot();

        Assert.That(snapshot.WaitingOn, Is.EqualTo(RunWaitReason.PeerMessage));
        Assert.That(_context.Time.GetUtcNow() - snapshot.WaitingSince, Is.EqualTo(TimeSpan.FromSeconds(7)));
        Assert.That((snapshot.Exchanges, snapshot.BytesSent, snapshot.BytesReceived), Is.EqualTo((1, 49200L, 3000L)));
    }
}
