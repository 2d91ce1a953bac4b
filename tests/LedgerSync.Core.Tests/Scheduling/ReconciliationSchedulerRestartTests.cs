using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Scheduling;
using LedgerSync.Testing.Scheduling;
using static LedgerSync.Testing.Scheduling.TestParties;
using FakeTimeProvider = Microsoft.Extensions.Time.Testing.FakeTimeProvider;

namespace LedgerSync.Tests.Scheduling;

/// <summary>Jobs from the durable queue wait for the ledger graph, and a restart loses nothing (issue: every queued job failed after a restart).</summary>
public sealed class ReconciliationSchedulerRestartTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    [Test]
    public async Task StartAsync_LedgerGraphStillLoading_PersistedJobsNeitherClaimedNorFailed()
    {
        var jobs = new CountingJobStore();
        var status = new RecordingStatusStore();
        var graph = new FakeLedgerGraph { IsInitialized = false };
        var parties = Enumerable.Range(1, 5).Select(Numbered).ToList();
        await using var host = new SchedulerTestHost(status, jobs, graph: graph);
        foreach (var party in parties)
        {
            await jobs.TryAddAsync(QueuedJob(party, host.Time.GetUtcNow()));
        }

        await host.Scheduler.StartAsync();
        await host.Time.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(1), () => Task.FromResult(graph.InitializedWaits >= 1), "the dispatcher waits for the loading graph");
        await host.Time.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(1), () => Task.FromResult(host.Time.GetUtcNow() >= SchedulerTestHost.Epoch.AddSeconds(10)), "ten seconds passed while the graph loads");

        Assert.That(jobs.Claims, Is.Zero, "nothing is claimed while the graph loads");
        Assert.That(status.History, Is.Empty, "nothing is recorded (in particular not FAILED) while the graph loads");
        Assert.That(host.Initiator.Calls, Is.Empty);

        graph.IsInitialized = true;
        await host.Time.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(1), () => Task.FromResult(host.Initiator.Completed.Count == 5 && host.Scheduler.RunningCount == 0), "all five ran once the graph loaded");
        Assert.That(host.Initiator.Completed.Values, Has.All.EqualTo(1));
        foreach (var party in parties)
        {
            Assert.That(status.For(party).Select(h => h.State), Is.EqualTo(new[] { ReconciliationState.InProgress, ReconciliationState.DifferencesNotFound }), party.ToString());
        }
    }

    [Test]
    public async Task StartAsync_LedgerGraphLoadsInconsistent_PersistedJobsFailWithTheGraphErrors()
    {
        var jobs = new InMemoryReconciliationJobStore();
        var status = new RecordingStatusStore();
        var graph = new FakeLedgerGraph { IsInitialized = false };
        var broken = TransactionId.Random(new Random(7));
        await using var host = new SchedulerTestHost(status, jobs, graph: graph);
        await jobs.TryAddAsync(QueuedJob(B, host.Time.GetUtcNow()));
        await host.Scheduler.StartAsync();

        graph.ErrorList.Add(new LedgerGraphError(broken, LedgerGraphErrorKind.MissingDependency, $"transaction {broken} depends on a transaction that is not in the ledger"));
        graph.IsSelfConsistent = false;
        graph.IsInitialized = true;
        await host.Time.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(1), () => host.HasStateAsync(B, ReconciliationState.Failed), "failed once the graph loaded");

        var row = (await host.StatusAsync(B))!;
        Assert.That(row.LastReconciliationError, Does.Contain("not self-consistent").And.Contain(broken.ToString()));
        Assert.That(host.Initiator.Calls, Is.Empty, "the peer is not contacted with an inconsistent graph");
        Assert.That(await jobs.GetAllAsync(), Is.Empty);
    }

    [Test]
    public async Task StartAsync_RestartWithSlowGraph_QueuedTimedRecurringAndCutOffJobsEachRunOnce()
    {
        var jobs = new InMemoryReconciliationJobStore();
        var status = new RecordingStatusStore();
        var crashedClock = new FakeTimeProvider(SchedulerTestHost.Epoch);
        var first = new SchedulerTestHost(status, jobs, crashedClock, configure: o => o.MaxNumberOfParallelReconciliationRequests = 1);
        first.Initiator.Behavior = (_, _) => new TaskCompletionSource<ReconciliationResult>().Task; // B hangs: the node "crashes" mid-run
        await first.Scheduler.StartAsync();
        var start = crashedClock.GetUtcNow();
        await first.Flows.ScheduleReconciliationAsync([B]);
        await EventuallyAsync(() => first.Initiator.Calls.Count == 1, "B running on the first node");
        var cutOffRun = first.Initiator.Calls.Single().RunId;
        await first.Flows.ScheduleReconciliationAsync([C]);
        await first.Flows.ScheduleReconciliationAsync([Numbered(4)], startAt: start.AddHours(1));
        await first.Flows.ScheduleReconciliationAsync([Numbered(5)], repeatEvery: TimeSpan.FromDays(1));

        // The restarted node: same stores, a clock that moves, a ledger graph that takes a while to load.
        var graph = new FakeLedgerGraph { IsInitialized = false };
        var clock = new FakeTimeProvider(start);
        await using var second = new SchedulerTestHost(status, jobs, clock, graph: graph, configure: o => o.MaxNumberOfParallelReconciliationRequests = 2);
        await second.Scheduler.StartAsync();
        await clock.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(1), () => Task.FromResult(graph.InitializedWaits >= 1), "waiting for the graph");
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.That(second.Initiator.Calls, Is.Empty, "nothing claimed while the graph loads");
        Assert.That(status.History.Where(h => h.State == ReconciliationState.Failed), Is.Empty, "nothing failed while the graph loads");

        graph.IsInitialized = true;
        await clock.AdvanceUntilAsync(TimeSpan.FromSeconds(5), TimeSpan.FromHours(2), () => Task.FromResult(second.Initiator.Completed.Count == 4), "B, C, the timed and the recurring job ran");

        foreach (var party in new[] { B, C, Numbered(4), Numbered(5) })
        {
            Assert.That(second.Initiator.Completed[party], Is.EqualTo(1), $"{party} ran exactly once after the restart");
        }

        var history = status.For(B);
        Assert.That(history.Select(h => h.State), Is.EqualTo(new[] { ReconciliationState.InProgress, ReconciliationState.Failed, ReconciliationState.InProgress, ReconciliationState.DifferencesNotFound }));
        Assert.That(history[1].RunId, Is.EqualTo(cutOffRun));
        Assert.That(history[1].Error, Does.StartWith("interrupted by restart"));
        Assert.That(history[2].RunId, Is.Not.EqualTo(cutOffRun));
        Assert.That(second.Initiator.Calls.Single(c => c.Counterparty == Numbered(4)).RunId, Is.Not.EqualTo(Guid.Empty));
        Assert.That((await second.StatusAsync(Numbered(4)))!.LastReconciliationTimeStarted, Is.GreaterThanOrEqualTo(start.AddHours(1)), "the timed job waited for its time");
        Assert.That(await jobs.GetForPartyAsync(Numbered(5)), Has.Count.EqualTo(1).And.All.Property(nameof(ReconciliationJob.State)).EqualTo(ReconciliationJobState.Queued), "the recurring job is queued for its next day");
        Assert.That(first.Initiator.Completed, Is.Empty);
        first.Scheduler.Dispose();
    }

    [Test]
    public async Task GetCountsAsync_AfterRestart_ScheduledCountComesFromTheQueueOnEveryInstance()
    {
        var jobs = new InMemoryReconciliationJobStore();
        await using (var before = new SchedulerTestHost(jobStore: jobs))
        {
            await before.Flows.ScheduleReconciliationAsync([B, C], startAt: before.Time.GetUtcNow().AddHours(1));
        }

        await using var restarted = new SchedulerTestHost(jobStore: jobs);
        await using var other = new SchedulerTestHost(jobStore: jobs);

        Assert.That(restarted.Registry.Count, Is.Zero, "the restarted node has no in-flight trackers");
        Assert.That(restarted.Monitor.NumberOfScheduledReconciliations, Is.EqualTo(2));
        Assert.That((await restarted.Monitor.GetCountsAsync()).Scheduled, Is.EqualTo(2));
        Assert.That(await other.Monitor.GetNumberOfScheduledReconciliationsAsync(), Is.EqualTo(2));
        Assert.That(await other.Flows.IsReconciliationScheduledForPartyAsync(B), Is.True);
    }

    private static ReconciliationJob QueuedJob(PartyName party, DateTimeOffset now) => new()
    {
        JobId = Guid.NewGuid(),
        Party = party,
        IsRequester = true,
        RunId = Guid.NewGuid(),
        State = ReconciliationJobState.Queued,
        DueAt = now,
        CreatedAt = now,
    };

    /// <summary>The in-memory store, counting claims.</summary>
    private sealed class CountingJobStore : IReconciliationJobStore, IReconciliationJobQueries
    {
        private readonly InMemoryReconciliationJobStore _inner = new();
        private int _claims;

        public int Claims => Volatile.Read(ref _claims);

        public Task<bool> TryAddAsync(ReconciliationJob job, CancellationToken cancellationToken = default) => _inner.TryAddAsync(job, cancellationToken);

        public Task<IReconciliationJobClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _claims);
            return _inner.TryClaimNextAsync(now, leaseUntil, cancellationToken);
        }

        public Task<IReconciliationJobClaim> AddClaimedAsync(ReconciliationJob job, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => _inner.AddClaimedAsync(job, leaseUntil, cancellationToken);

        public Task<IReadOnlyList<ReconciliationJob>> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.RecoverExpiredAsync(now, cancellationToken);

        public Task<IReadOnlyList<ReconciliationJob>> RemoveForPartyAsync(PartyName party, CancellationToken cancellationToken = default) => _inner.RemoveForPartyAsync(party, cancellationToken);

        public Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken = default) => _inner.GetNextDueAsync(cancellationToken);

        public Task<IReadOnlyList<ReconciliationJob>> GetForPartyAsync(PartyName party, CancellationToken cancellationToken = default) => _inner.GetForPartyAsync(party, cancellationToken);

        public Task<IReadOnlyList<ReconciliationJob>> GetAllAsync(CancellationToken cancellationToken = default) => _inner.GetAllAsync(cancellationToken);

        public Task<ReconciliationJobCounts> GetCountsAsync(CancellationToken cancellationToken = default) => _inner.GetCountsAsync(cancellationToken);
    }
}
