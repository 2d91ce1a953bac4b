using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Testing;
using LedgerSync.Testing.Logging;
using LedgerSync.Testing.Scheduling;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static LedgerSync.Tests.Recovery.RecoveryEndToEndTests;

namespace LedgerSync.Tests.Recovery;

/// <summary>Pacing to the responder's limits, a restart mid-recovery and the stop flow, on a fake clock.</summary>
[TestFixture]
public sealed class RecoveryPacingAndRestartTests
{
    private static readonly PartyName A = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName B = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    private FakeTimeProvider _time = null!;
    private InMemoryNetwork _network = null!;
    private List<RecoveryTestNode> _nodes = null!;
    private int _requests;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero));
        _network = new InMemoryNetwork(_time);
        _nodes = [];
        _requests = 0;
        _ = _network.ObserveMessages(m =>
        {
            if (m.Payload.Span[0] == 35)
            {
                Interlocked.Increment(ref _requests);
            }
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _network.DisposeAsync();
    }

    private static List<TransactionMetadata> Shared(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Tx($"paced-{i}", [], A, B))];

    private async Task<RecoveryTestNode> StartAsync(PartyName party, IEnumerable<TransactionMetadata> ledger, Action<LedgerSyncOptions>? configure = null, IRecoveryStore? store = null)
    {
        var node = await RecoveryTestNode.StartAsync(_network, party, ledger, configure, _time, store);
        _nodes.Add(node);
        return node;
    }

    private static void OneRequestPerMinute(LedgerSyncOptions o, int perRequest, int requests) =>
        (o.MaxAllowedTransactions, o.MaxAllowedRequests, o.TimeWindowForMaxAllowedRequests) = (perRequest, requests, TimeSpan.FromMinutes(1));

    /// <summary>Moves the fake clock a second at a time (so lease renewals keep up, as in real time) until <paramref name="done"/>.</summary>
    private async Task AdvanceUntilAsync(Func<Task<bool>> done, TimeSpan limit)
    {
        for (var moved = TimeSpan.Zero; !await done(); moved += TimeSpan.FromSeconds(1))
        {
            Assert.That(moved, Is.LessThan(limit), "the recovery did not end in time");
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }
    }

    private static async Task WaitUntilPausedAsync(RecoveryTestNode node, Guid recoveryId, int recovered)
    {
        var registry = node.Services.GetRequiredService<ReconciliationRunRegistry>();
        await TestParties.EventuallyAsync(
            async () => (await node.Store.GetAsync(recoveryId))?.RecoveredCount == recovered
                && registry.Snapshot().Any(r => r.RunId == recoveryId && r.WaitingOn == RunWaitReason.RetryBackoff),
            $"the recovery to pause after {recovered}");
    }

    [Test]
    public async Task RecoverTransactionsAsync_RequestLimitReached_WaitsForTheWindowInsteadOfFailing()
    {
        var ledger = Shared(6);
        var b = await StartAsync(B, ledger, o => OneRequestPerMinute(o, perRequest: 2, requests: 2));
        var a = await StartAsync(A, []);
        var started = _time.GetUtcNow();

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);
        await WaitUntilPausedAsync(a, queued.RecoveryId, recovered: 4);

        var paused = (await a.Recovery.GetRecoveryStatusForPartyAsync(B))!;
        Assert.That(paused.State, Is.EqualTo(RecoveryState.InProgress));
        Assert.That(paused.PendingCount, Is.EqualTo(2));
        Assert.That(b.Logs.WithEventId(LedgerSyncEventId.RecoveryAnswerThrottled), Is.Not.Empty, "the responder cut the third request short");
        Assert.That(a.Logs.WithEventId(LedgerSyncEventId.RecoveryPaused), Is.Not.Empty, "the requester paused");
        Assert.That(a.Logs.WithEventId(LedgerSyncEventId.RecoveryFailed), Is.Empty, "pausing is not failing");

        await AdvanceUntilAsync(async () => (await a.Recovery.GetRecoveryStatusForPartyAsync(B))!.State.IsEnded(), TimeSpan.FromMinutes(5));

        var ended = (await a.Recovery.GetRecoveryStatusForPartyAsync(B))!;
        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(ended.RecoveredCount, Is.EqualTo(6));
        Assert.That(ended.FinishedAt - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(1)).And.LessThan(TimeSpan.FromMinutes(3)), "the third request waited for the window");
        Assert.That(_requests, Is.EqualTo(4), "2 served, 1 cut short, 1 after the wait");
        Assert.That(b.Payloads.Opened.Values, Is.All.EqualTo(1));
    }

    [Test]
    public async Task RecoverTransactionsAsync_SizeLimitReached_WaitsForTheSizeWindow()
    {
        var ledger = Shared(4);
        var size = TestTransactionCodec.Encode(ledger[0]).Length;
        var b = await StartAsync(B, ledger, o => (o.MaxAllowedSizeInBytes, o.TimeWindowForMaxAllowedSize) = ((size * 2) + 10, TimeSpan.FromMinutes(1)));
        var a = await StartAsync(A, []);

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);
        await WaitUntilPausedAsync(a, queued.RecoveryId, recovered: 2);
        await AdvanceUntilAsync(async () => (await a.Recovery.GetRecoveryStatusForPartyAsync(B))!.State.IsEnded(), TimeSpan.FromMinutes(5));

        var ended = (await a.Recovery.GetRecoveryStatusForPartyAsync(B))!;
        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(ended.RecoveredCount, Is.EqualTo(4));
        Assert.That(ended.BytesRecovered, Is.EqualTo(4L * size));
        Assert.That(b.Payloads.Opened.Values.Sum(), Is.EqualTo(5), "the payload that did not fit was opened, not sent, then sent after the wait");
    }

    [Test]
    public async Task RecoverTransactionsAsync_RestartMidRecovery_ResumesWithoutFetchingStoredTransactionsAgain()
    {
        var ledger = Shared(9);
        var store = new InMemoryRecoveryStore();
        var b = await StartAsync(B, ledger, o => OneRequestPerMinute(o, perRequest: 3, requests: 1));
        var first = await StartAsync(A, [], store: store);
        var queued = await first.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);
        await WaitUntilPausedAsync(first, queued.RecoveryId, recovered: 3);

        await first.StopAsync();
        var released = (await store.GetAsync(queued.RecoveryId))!;
        Assert.That(released.State, Is.EqualTo(RecoveryState.Queued), "given back at shutdown");
        Assert.That(released.RecoveredCount, Is.EqualTo(3));
        var storedBeforeRestart = first.Sink.Stored.Keys.ToList();

        // The host's ledger kept what the sink stored; the node restarts over it and the same recovery store.
        var second = await StartAsync(A, ledger.Where(t => storedBeforeRestart.Contains(t.Id)), store: store);
        await AdvanceUntilAsync(async () => (await store.GetAsync(queued.RecoveryId))!.State.IsEnded(), TimeSpan.FromMinutes(5));

        var ended = (await store.GetAsync(queued.RecoveryId))!;
        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(ended.RecoveredCount, Is.EqualTo(9));
        Assert.That(ended.ClaimCount, Is.EqualTo(2));
        Assert.That(b.Payloads.Opened.Keys, Is.EquivalentTo(ledger.Select(t => t.Id)));
        Assert.That(b.Payloads.Opened.Values, Is.All.EqualTo(1), "no transaction was fetched twice");
        Assert.That(second.Sink.Stored.Keys, Is.EquivalentTo(ledger.Select(t => t.Id).Except(storedBeforeRestart)));
    }

    [Test]
    public async Task StopReconciliationForPartyAsync_PausedRecovery_StoppedAndANewOneMayBeQueued()
    {
        var ledger = Shared(6);
        await StartAsync(B, ledger, o => OneRequestPerMinute(o, perRequest: 2, requests: 1));
        var a = await StartAsync(A, []);
        var queued = await a.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);
        await WaitUntilPausedAsync(a, queued.RecoveryId, recovered: 2);

        Assert.That(await a.Flows.StopReconciliationForPartyAsync(B), Is.True);

        var stopped = (await a.Recovery.GetRecoveryStatusForPartyAsync(B))!;
        Assert.That(stopped.State, Is.EqualTo(RecoveryState.Stopped));
        Assert.That(stopped.Error, Is.EqualTo("stopped by StopReconciliationForPartyFlow"));
        Assert.That(stopped.PendingCount, Is.EqualTo(4));
        var worker = a.Services.GetRequiredService<RecoveryWorker>();
        await TestParties.EventuallyAsync(() => worker.RunningCount == 0, "the worker to let go of the stopped recovery");
        Assert.That((await a.Recovery.GetRecoveryStatusForPartyAsync(B))!.State, Is.EqualTo(RecoveryState.Stopped), "the run did not overwrite the stop");
        _time.Advance(TimeSpan.FromSeconds(1));
        var again = await a.Recovery.RecoverTransactionsAsync(B, [ledger[5].Id]);
        Assert.That(again.RecoveryId, Is.Not.EqualTo(queued.RecoveryId));
        Assert.That((await a.Recovery.GetRecoveryHistoryAsync(B)).Select(r => r.RecoveryId), Is.EqualTo(new[] { again.RecoveryId, queued.RecoveryId }));
    }

    [Test]
    public async Task DumpInFlight_PausedRecovery_ShowsTheRecoveryFlowWaiting()
    {
        var ledger = Shared(4);
        await StartAsync(B, ledger, o => OneRequestPerMinute(o, perRequest: 2, requests: 1));
        var a = await StartAsync(A, []);
        var queued = await a.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);
        await WaitUntilPausedAsync(a, queued.RecoveryId, recovered: 2);

        var run = a.Services.GetRequiredService<ReconciliationRunRegistry>().Snapshot().Single(r => r.RunId == queued.RecoveryId);

        Assert.That(run.FlowName, Is.EqualTo(RecoveryFlowNames.RecoverTransactions));
        Assert.That(run.Party, Is.EqualTo(B));
        Assert.That(run.BytesReceived, Is.GreaterThan(0));
        Assert.That(run.Stages.Select(s => s.Stage), Has.Some.StartsWith("paused by the counterparty's limits"));
    }
}
