using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using NSubstitute;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class ReconciliationMonitorTests
{
    private DiagnosticsTestContext _context = null!;

    [SetUp]
    public void SetUp() => _context = new DiagnosticsTestContext();

    [Test]
    public async Task GetCountsAsync_RunsAndRows_CountsQueuedRunningAndLatestOutcomes()
    {
        _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        _context.StartRun(PartyC, waitingOn: RunWaitReason.RetryBackoff);
        _context.StartRun(PartyD, waitingOn: RunWaitReason.ScheduledTime);
        _context.StartRun(PartyE, waitingOn: RunWaitReason.PeerMessage);
        _context.StartRun(PartyB, ReconciliationRole.Responder, RunWaitReason.PeerMessage);
        _context.AddRow(PartyB, ReconciliationState.Failed);
        _context.AddRow(PartyC, ReconciliationState.DifferencesFound);
        _context.AddRow(PartyD, ReconciliationState.DifferencesFound);
        _context.AddRow(PartyE, ReconciliationState.DifferencesNotFound);
        _context.AddRow(PartyC, ReconciliationState.Failed, isRequester: false);

        var counts = await _context.Monitor.GetCountsAsync();

        Assert.That(counts, Is.EqualTo(new ReconciliationCounts(Scheduled: 3, InProgress: 1, Failed: 1, WithDifferences: 2, WithoutDifferences: 1)));
        Assert.That(_context.Monitor.NumberOfIncomingReconciliationsInProgress, Is.EqualTo(1));
    }

    [Test]
    public void NumberOfReconciliationsInProgress_RunLeavesQueueThenEnds_FollowsTheRun()
    {
        var run = _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        Assert.That((_context.Monitor.NumberOfScheduledReconciliations, _context.Monitor.NumberOfReconciliationsInProgress), Is.EqualTo((1, 0)));

        run.WaitingOn(RunWaitReason.None);
        Assert.That((_context.Monitor.NumberOfScheduledReconciliations, _context.Monitor.NumberOfReconciliationsInProgress), Is.EqualTo((0, 1)));

        run.End(ReconciliationState.DifferencesNotFound);
        Assert.That((_context.Monitor.NumberOfScheduledReconciliations, _context.Monitor.NumberOfReconciliationsInProgress), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task GetFailedPartiesAsync_SeveralRows_ReturnsRequesterSideFailuresSorted()
    {
        _context.AddRow(PartyD, ReconciliationState.Failed);
        _context.AddRow(PartyB, ReconciliationState.Failed);
        _context.AddRow(PartyC, ReconciliationState.DifferencesFound);
        _context.AddRow(PartyE, ReconciliationState.Failed, isRequester: false);

        Assert.That(await _context.Monitor.GetFailedPartiesAsync(), Is.EqualTo(new[] { PartyB, PartyD }));
        Assert.That(await _context.Monitor.GetNumberOfFailedReconciliationsAsync(), Is.EqualTo(2));
    }

    [Test]
    public async Task GetPartiesWithDifferencesAsync_SeveralRows_ReturnsPartiesWhoseLatestRunFoundDifferences()
    {
        _context.AddRow(PartyC, ReconciliationState.DifferencesFound);
        _context.AddRow(PartyB, ReconciliationState.DifferencesNotFound);
        _context.AddRow(PartyD, ReconciliationState.InProgress);

        Assert.That(await _context.Monitor.GetPartiesWithDifferencesAsync(), Is.EqualTo(new[] { PartyC }));
        Assert.That(await _context.Monitor.GetNumberOfReconciliationsWithDifferencesAsync(), Is.EqualTo(1));
        Assert.That(await _context.Monitor.GetNumberOfReconciliationsWithoutDifferencesAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task GetReconciliationStatusAsync_KnownAndUnknownParty_ReturnsRowOrNull()
    {
        _context.AddRow(PartyB, ReconciliationState.DifferencesFound);

        var status = await _context.Monitor.GetReconciliationStatusAsync(PartyB);

        Assert.That(status?.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(await _context.Monitor.GetReconciliationStatusAsync(PartyC), Is.Null);
        Assert.That(await _context.Monitor.GetReconciliationStatusAsync(PartyB, isRequester: false), Is.Null);
    }

    [Test]
    public void LedgerGraphProperties_InconsistentGraph_ReportTheGraphsState()
    {
        var error = new LedgerGraphError(TransactionId.Random(new Random(1)), LedgerGraphErrorKind.MissingDependency, "missing");
        _context.LedgerGraph.IsInitialized.Returns(true);
        _context.LedgerGraph.IsSelfConsistent.Returns(false);
        _context.LedgerGraph.Errors.Returns([error]);

        Assert.That(_context.Monitor.LedgerGraphIsInitialized, Is.True);
        Assert.That(_context.Monitor.LedgerGraphIsSelfConsistent, Is.False);
        Assert.That(_context.Monitor.LedgerGraphErrors, Is.EqualTo(new[] { error }));
    }
}
