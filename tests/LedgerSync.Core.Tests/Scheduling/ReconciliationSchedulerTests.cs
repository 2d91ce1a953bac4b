using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Scheduling;
using LedgerSync.Testing.Scheduling;
using static LedgerSync.Testing.Scheduling.TestParties;
using FakeTimeProvider = Microsoft.Extensions.Time.Testing.FakeTimeProvider;

namespace LedgerSync.Tests.Scheduling;

[TestFixture]
public sealed class ReconciliationSchedulerTests
{
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(30);

    private ClaimObservingJobStore _jobs = null!;
    private SchedulerTestHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _jobs = new ClaimObservingJobStore();
        _host = new SchedulerTestHost(jobStore: _jobs);
    }

    [TearDown]
    public async Task TearDown() => await _host.DisposeAsync();

    [Test]
    public async Task ScheduleAsync_HundredPartiesPoolOfThree_NeverMoreThanThreeRunAndAllFinish()
    {
        var parties = Enumerable.Range(1, 100).Select(Numbered).ToList();
        var expected = parties.ToDictionary(p => p, p => p.Organisation.EndsWith('0') ? RandomIds(p.GetHashCode(), 3) : []);
        _host.Initiator.Behavior = async (request, ct) =>
        {
            await Task.Delay(2, ct);
            return new ReconciliationResult(expected[request.Counterparty], 0, 1, 0, 0);
        };
        await _host.Scheduler.StartAsync();

        await _host.Flows.ScheduleReconciliationAsync(parties);
        await EventuallyAsync(() => _host.Initiator.Completed.Count == 100 && _host.Scheduler.RunningCount == 0, "all 100 runs");

        Assert.That(_host.Initiator.MaxConcurrent, Is.EqualTo(3));
        Assert.That(_host.Scheduler.MaxRunningCount, Is.EqualTo(3));
        Assert.That(_host.Initiator.Completed.Values, Has.All.EqualTo(1));
        foreach (var party in parties)
        {
            var status = await _host.StatusAsync(party);
            var state = expected[party].Count > 0 ? ReconciliationState.DifferencesFound : ReconciliationState.DifferencesNotFound;
            Assert.That(status!.LastReconciliationStatus, Is.EqualTo(state), party.ToString());
            Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(expected[party]), party.ToString());
        }

        Assert.That(await _host.JobQueries.GetAllAsync(), Is.Empty);
        Assert.That(_host.Registry.Count, Is.Zero, "every tracker ended");
    }

    [Test]
    public void ScheduleAsync_Self_ThrowsWithSelf()
    {
        Assert.That(
            async () => await _host.Flows.ScheduleReconciliationAsync([Local]),
            Throws.TypeOf<ReconciliationWithSelfException>().With.Property(nameof(ReconciliationWithSelfException.Party)).EqualTo(Local));
    }

    [Test]
    public async Task ScheduleAsync_PartyAlreadyScheduled_ThrowsAlreadyScheduled()
    {
        await _host.Flows.ScheduleReconciliationAsync([B]);

        Assert.That(
            async () => await _host.Flows.ScheduleReconciliationAsync([B]),
            Throws.TypeOf<ReconciliationAlreadyScheduledException>().With.Property(nameof(ReconciliationAlreadyScheduledException.Party)).EqualTo(B));
        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(B), Is.True);
    }

    [Test]
    public async Task ScheduleAsync_PartyReconcilingWithUs_ThrowsAlreadyScheduled()
    {
        var admission = _host.Admission;
        await using var incoming = await admission.TryAdmitAsync(B, CancellationToken.None);

        Assert.That(await _host.Flows.IsRespondingToReconciliationForPartyAsync(B), Is.True);
        Assert.That(
            async () => await _host.Flows.ScheduleReconciliationAsync([B]),
            Throws.TypeOf<ReconciliationAlreadyScheduledException>().With.Message.Contains("reconciling with this node"));
    }

    [Test]
    public void ScheduleAsync_GraphInitializing_ThrowsNotReady()
    {
        _host.Graph.IsInitialized = false;

        Assert.That(
            async () => await _host.Flows.ScheduleReconciliationAsync([B]),
            Throws.TypeOf<LedgerGraphNotReadyException>().With.Property(nameof(LedgerGraphNotReadyException.IsInitialized)).False);
    }

    [Test]
    public async Task ScheduleAsync_GraphInconsistent_ThrowsNotReadyWithErrors()
    {
        _host.Graph.IsSelfConsistent = false;
        var tx = TransactionId.Random(new Random(1));
        _host.Graph.ErrorList.Add(new LedgerGraphError(tx, default, $"{tx} depends on a missing transaction"));

        var e = Assert.ThrowsAsync<LedgerGraphNotReadyException>(async () => await _host.Flows.ScheduleReconciliationAsync([B]));
        Assert.That(e!.IsSelfConsistent, Is.False);
        Assert.That(e.Errors, Has.Count.EqualTo(1));
        Assert.That(e.Message, Does.Contain(tx.ToString()));
        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(B), Is.False);
    }

    [Test]
    public async Task ScheduleAsync_BusyPeerThenFree_RetriesWithGrowingJitteredBackoff()
    {
        var busyAnswers = 4;
        _host.Initiator.Behavior = (r, _) => Interlocked.Decrement(ref busyAnswers) >= 0
            ? throw new MaxIncomingSessionsExceededException(r.Counterparty)
            : Task.FromResult(FakeReconciliationInitiator.NoDifferences);
        await _host.Scheduler.StartAsync();
        await _host.Flows.ScheduleReconciliationAsync([B]);

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var job = await WaitForRetryAsync(attempt);
            var delay = job.DueAt - _host.Time.GetUtcNow();
            delays.Add(delay);
            var full = TimeSpan.FromSeconds(Math.Min(8, Math.Pow(2, attempt - 1)));
            Assert.That(delay, Is.InRange(full / 2, full), $"attempt {attempt}");
            Assert.That(await _host.HasStateAsync(B, ReconciliationState.InProgress), Is.True, "the row stays IN_PROGRESS while backing off");
            _host.Time.Advance(delay);
        }

        await EventuallyAsync(() => _host.HasStateAsync(B, ReconciliationState.DifferencesNotFound), "success after retries");
        Assert.That(_host.Initiator.Calls.Select(c => c.RunId).Distinct().Count(), Is.EqualTo(1), "retries belong to one run");
        Assert.That(delays[3], Is.GreaterThan(delays[0]));
    }

    [Test]
    public async Task ScheduleAsync_PeerBusyPastRetryTimeout_FailsWithReason()
    {
        _host.Options.MaxReconciliationRetryAttemptTimeout = TimeSpan.FromSeconds(20);
        _host.Initiator.Behavior = (r, _) => throw new MaxIncomingSessionsExceededException(r.Counterparty);
        await _host.Scheduler.StartAsync();
        await _host.Flows.ScheduleReconciliationAsync([B]);

        for (var i = 0; i < 100 && !await _host.HasStateAsync(B, ReconciliationState.Failed); i++)
        {
            var jobs = await _host.JobQueries.GetForPartyAsync(B);
            if (jobs is [{ State: ReconciliationJobState.Queued } job] && job.DueAt > _host.Time.GetUtcNow())
            {
                _host.Time.Advance(job.DueAt - _host.Time.GetUtcNow());
            }

            await Task.Delay(5);
        }

        var status = await _host.StatusAsync(B);
        Assert.That(status!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(status.LastReconciliationError, Does.Contain("maxReconciliationRetryAttemptTimeout").And.Contain("too busy"));
        Assert.That(_host.Time.GetUtcNow() - status.LastReconciliationTimeStarted!.Value, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(B), Is.False);
    }

    [Test]
    public async Task ScheduleAsync_ZeroRetryTimeout_FailsAtFirstBusyAnswer()
    {
        _host.Options.MaxReconciliationRetryAttemptTimeout = TimeSpan.Zero;
        _host.Initiator.Behavior = (r, _) => throw new MaxIncomingSessionsExceededException(r.Counterparty);
        await _host.Scheduler.StartAsync();
        await _host.Flows.ScheduleReconciliationAsync([B]);

        await EventuallyAsync(() => _host.HasStateAsync(B, ReconciliationState.Failed), "failed");
        Assert.That(_host.Initiator.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task StopReconciliationForPartyAsync_RunningRun_StopsRecordsStoppedAndFreesSlotAtOnce()
    {
        _host.Options.MaxNumberOfParallelReconciliationRequests = 1;
        await using var host = new SchedulerTestHost(configure: o => o.MaxNumberOfParallelReconciliationRequests = 1);
        var ignoreCancellation = new TaskCompletionSource<ReconciliationResult>();
        host.Initiator.Behavior = (r, ct) => r.Counterparty == B ? ignoreCancellation.Task : Task.FromResult(FakeReconciliationInitiator.NoDifferences);
        await host.Scheduler.StartAsync();
        await host.Flows.ScheduleReconciliationAsync([B]);
        await EventuallyAsync(() => host.Initiator.Calls.Count == 1, "B running");
        await host.Flows.ScheduleReconciliationAsync([C]);

        var stopped = await host.Flows.StopReconciliationForPartyAsync(B);

        Assert.That(stopped, Is.True);
        Assert.That(await host.HasStateAsync(B, ReconciliationState.Stopped), Is.True);
        await EventuallyAsync(() => host.HasStateAsync(C, ReconciliationState.DifferencesNotFound), "C ran in the freed slot although B's run never returned");
        Assert.That(await host.Flows.IsReconciliationScheduledForPartyAsync(B), Is.False);
        await host.Flows.ScheduleReconciliationAsync([B]);
        ignoreCancellation.SetResult(FakeReconciliationInitiator.Found(TransactionId.Random(new Random(3))));
    }

    [Test]
    public async Task StopReconciliationForPartyAsync_QueuedTimedJob_RemovesItAndRecordsStopped()
    {
        await _host.Scheduler.StartAsync();
        var due = _host.Time.GetUtcNow().AddHours(1);
        await _host.Flows.ScheduleReconciliationAsync([B], startAt: due);

        Assert.That(await _host.Flows.StopReconciliationForPartyAsync(B), Is.True);
        _host.Time.Advance(TimeSpan.FromHours(2));

        // Proof that the dispatcher looked after B's due time: C wakes it, and its claim after C's finds nothing due.
        var nothingDue = _jobs.NothingDueAsync(due, RealTimeout, afterClaims: 1);
        await _host.Flows.ScheduleReconciliationAsync([C]);
        await nothingDue;
        Assert.That(_jobs.ClaimedParties, Is.EqualTo(new[] { C }), "only C was claimed after B's due time");
        Assert.That(await _host.HasStateAsync(B, ReconciliationState.Stopped), Is.True);
        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(B), Is.False);
    }

    [Test]
    public async Task StopReconciliationForPartyAsync_NothingKnown_ReturnsFalse()
    {
        Assert.That(await _host.Flows.StopReconciliationForPartyAsync(B), Is.False);
        Assert.That(await _host.StatusAsync(B), Is.Null);
    }

    [Test]
    public async Task StopReconciliationForPartyAsync_IncomingRun_CancelsItRecordsStoppedAndFreesSlot()
    {
        var admission = _host.Admission;
        var incoming = await admission.TryAdmitAsync(B, CancellationToken.None);
        Assert.That(_host.Scheduler.RunningCount, Is.EqualTo(1));

        await _host.Flows.StopReconciliationForPartyAsync(B);

        Assert.That(incoming!.Stopping.IsCancellationRequested, Is.True);
        Assert.That(_host.Scheduler.RunningCount, Is.Zero);
        Assert.That(await _host.HasStateAsync(B, ReconciliationState.Stopped, isRequester: false), Is.True);
        await incoming.CompleteAsync(ReconciliationState.DifferencesNotFound, null, CancellationToken.None);
        Assert.That(await _host.HasStateAsync(B, ReconciliationState.Stopped, isRequester: false), Is.True, "a late completion does not overwrite STOPPED");
    }

    [Test]
    public async Task TryAdmitAsync_PoolFull_ReturnsNullAndAdmitsAgainWhenFreed()
    {
        var admission = _host.Admission;
        var runs = new List<IIncomingReconciliation?>();
        for (var i = 1; i <= 3; i++)
        {
            runs.Add(await admission.TryAdmitAsync(Numbered(i), CancellationToken.None));
        }

        Assert.That(runs, Has.All.Not.Null);
        Assert.That(await admission.TryAdmitAsync(Numbered(4), CancellationToken.None), Is.Null);

        await runs[0]!.CompleteAsync(ReconciliationState.DifferencesNotFound, null, CancellationToken.None);

        Assert.That(await _host.HasStateAsync(Numbered(1), ReconciliationState.DifferencesNotFound, isRequester: false), Is.True);
        Assert.That(await admission.TryAdmitAsync(Numbered(4), CancellationToken.None), Is.Not.Null);
        Assert.That(_host.Registry.Runs.Count(r => r.Role == ReconciliationRole.Responder), Is.EqualTo(3));
    }

    [Test]
    public async Task TryAdmitAsync_DisposedWithoutCompleting_RecordsFailed()
    {
        var admission = _host.Admission;
        var incoming = await admission.TryAdmitAsync(B, CancellationToken.None);

        await incoming!.DisposeAsync();

        var status = await _host.StatusAsync(B, isRequester: false);
        Assert.That(status!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(status.LastReconciliationError, Is.Not.Empty);
        Assert.That(_host.Scheduler.RunningCount, Is.Zero);
    }

    [Test]
    public async Task ScheduleAsync_StartAtInFuture_WaitsUntilThen()
    {
        await _host.Scheduler.StartAsync();
        var start = _host.Time.GetUtcNow().AddMinutes(10);
        await _host.Flows.ScheduleReconciliationAsync([B], startAt: start);
        var tracker = _host.Registry.Runs.Single();
        Assert.That(tracker.Snapshot().WaitingOn, Is.EqualTo(RunWaitReason.ScheduledTime));

        _host.Time.Advance(TimeSpan.FromMinutes(9));

        // Proof that the dispatcher looked at 9 minutes: C wakes it, and its claim after C's finds B not yet due (an empty
        // claim woken by the clock before C was queued does not count).
        var nothingDue = _jobs.NothingDueAsync(_host.Time.GetUtcNow(), RealTimeout, afterClaims: 1);
        await _host.Flows.ScheduleReconciliationAsync([C]);
        await nothingDue;
        Assert.That(_jobs.ClaimedParties, Is.EqualTo(new[] { C }), "B was not claimed a minute before its time");

        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await EventuallyAsync(() => _host.HasStateAsync(B, ReconciliationState.DifferencesNotFound), "ran at its time");
        Assert.That((await _host.StatusAsync(B))!.LastReconciliationTimeStarted, Is.EqualTo(start));
    }

    [Test]
    public async Task ScheduleAsync_Recurring_RunsAgainEachInterval()
    {
        await _host.Scheduler.StartAsync();
        await _host.Flows.ScheduleReconciliationAsync([B], repeatEvery: TimeSpan.FromHours(1));
        await EventuallyAsync(() => _host.Initiator.Calls.Count == 1, "first run");

        for (var n = 2; n <= 3; n++)
        {
            await EventuallyAsync(async () => (await _host.JobQueries.GetForPartyAsync(B)) is [{ State: ReconciliationJobState.Queued }], "requeued");
            _host.Time.Advance(TimeSpan.FromHours(1));
            await EventuallyAsync(() => _host.Initiator.Calls.Count == n, $"run {n}");
        }

        Assert.That(_host.Initiator.Calls.Select(c => c.RunId).Distinct().Count(), Is.EqualTo(3), "each occurrence is its own run");
        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(B), Is.True);
        await _host.Flows.StopReconciliationForPartyAsync(B);
        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(B), Is.False);
    }

    [Test]
    public async Task ExecuteAsync_InitiatorFails_RecordsFailedKeepingLastSuccess()
    {
        var fail = false;
        var found = TransactionId.Random(new Random(5));
        _host.Initiator.Behavior = (r, _) => fail
            ? throw new LedgerSyncProtocolException("the peer sent a truncated sketch")
            : Task.FromResult(FakeReconciliationInitiator.Found(found));
        await _host.Scheduler.StartAsync();
        await _host.Flows.ScheduleReconciliationAsync([B]);
        await EventuallyAsync(() => _host.HasStateAsync(B, ReconciliationState.DifferencesFound), "first run");
        fail = true;
        await _host.Flows.ScheduleReconciliationAsync([B]);
        await EventuallyAsync(() => _host.HasStateAsync(B, ReconciliationState.Failed), "second run");

        var status = (await _host.StatusAsync(B))!;
        Assert.That(status.LastReconciliationError, Does.Contain("truncated sketch"));
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.EqualTo(new[] { found }));
    }

    [Test]
    public async Task StopAsync_RunsStillGoing_GivesJobsBackAndNextInstanceRecordsInterruptedAndRunsThem()
    {
        var jobs = new InMemoryReconciliationJobStore();
        var status = new LedgerSync.Status.InMemoryStatusStore();
        var time = new FakeTimeProvider(SchedulerTestHost.Epoch);
        var first = new SchedulerTestHost(status, jobs, time);
        first.Initiator.Behavior = (_, ct) => Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => FakeReconciliationInitiator.NoDifferences, ct);
        await first.Scheduler.StartAsync();
        await first.Flows.ScheduleReconciliationAsync([B, C]);
        await EventuallyAsync(() => first.Initiator.Calls.Count == 2, "both running");
        var firstRuns = first.Initiator.Calls.Select(c => c.RunId).ToList();

        using (var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
        {
            await first.Scheduler.StopAsync(timeout.Token);
        }

        await first.DisposeAsync();

        await using var second = new SchedulerTestHost(status, jobs, time);
        await second.Scheduler.StartAsync();
        await EventuallyAsync(async () => await second.HasStateAsync(B, ReconciliationState.DifferencesNotFound) && await second.HasStateAsync(C, ReconciliationState.DifferencesNotFound), "resumed");

        Assert.That(second.Initiator.Calls.Select(c => c.RunId), Has.None.AnyOf(firstRuns.Cast<object>().ToArray()));
        Assert.That(second.Initiator.Completed[B], Is.EqualTo(1));
        Assert.That(second.Initiator.Completed[C], Is.EqualTo(1));
        Assert.That(first.Initiator.Completed, Is.Empty);
    }

    [Test]
    public async Task TryClaimNextAsync_OwnerCrashed_OtherInstanceTakesOverAfterLeaseAndRecordsInterrupted()
    {
        var jobs = new InMemoryReconciliationJobStore();
        var status = new LedgerSync.Status.InMemoryStatusStore();
        var crashedClock = new FakeTimeProvider(SchedulerTestHost.Epoch);
        var crashed = new SchedulerTestHost(status, jobs, crashedClock);
        var hang = new TaskCompletionSource<ReconciliationResult>();
        crashed.Initiator.Behavior = (_, _) => hang.Task;
        await crashed.Scheduler.StartAsync();
        await crashed.Flows.ScheduleReconciliationAsync([B]);
        await EventuallyAsync(() => crashed.Initiator.Calls.Count == 1, "running on the first instance");
        var interruptedRun = crashed.Initiator.Calls.Single().RunId;

        var laterClock = new FakeTimeProvider(crashedClock.GetUtcNow());
        var survivorJobs = new ClaimObservingJobStore(jobs);
        await using var survivor = new SchedulerTestHost(status, survivorJobs, laterClock);
        var nothingDue = survivorJobs.NothingDueAsync(laterClock.GetUtcNow(), RealTimeout);
        await survivor.Scheduler.StartAsync();
        await nothingDue;
        Assert.That(survivorJobs.ClaimedParties, Is.Empty, "the lease is still valid: the survivor's first claim finds nothing");

        await laterClock.AdvanceUntilAsync(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), () => survivor.HasStateAsync(B, ReconciliationState.DifferencesNotFound), "taken over");

        // The crashed instance's run finally returns: it no longer holds the job and must not record anything.
        hang.SetResult(FakeReconciliationInitiator.Found(TransactionId.Random(new Random(9))));
        await EventuallyAsync(() => crashed.Scheduler.RunningCount == 0, "old run unwound");
        Assert.That(await survivor.HasStateAsync(B, ReconciliationState.DifferencesNotFound), Is.True);
        Assert.That(survivor.Initiator.Calls.Single().RunId, Is.Not.EqualTo(interruptedRun));
        await crashed.DisposeAsync();
    }

    [Test]
    public async Task StartAsync_InterruptedRunOnResume_RecordsFailedInterruptedByRestart()
    {
        var jobs = new InMemoryReconciliationJobStore();
        var status = new LedgerSync.Status.InMemoryStatusStore();
        var old = Guid.NewGuid();
        var now = new FakeTimeProvider(SchedulerTestHost.Epoch).GetUtcNow();
        await new LedgerSync.Status.ReconciliationStatusRecorder(status).RecordStartedAsync(B, true, old, now.AddMinutes(-5));
        await jobs.AddClaimedAsync(
            new ReconciliationJob
            {
                JobId = Guid.NewGuid(), Party = B, IsRequester = true, RunId = old, State = ReconciliationJobState.Running,
                DueAt = now.AddMinutes(-5), CreatedAt = now.AddMinutes(-5),
            },
            leaseUntil: now.AddMinutes(-4));
        var recorded = new List<ReconciliationState?>();
        await using var host = new SchedulerTestHost(status, jobs);
        host.Initiator.Behavior = async (r, _) =>
        {
            recorded.Add((await status.GetAsync(B, true, CancellationToken.None))!.LastReconciliationStatus);
            return FakeReconciliationInitiator.NoDifferences;
        };

        await host.Scheduler.StartAsync();
        await EventuallyAsync(() => host.HasStateAsync(B, ReconciliationState.DifferencesNotFound), "re-run");

        Assert.That(host.Initiator.Calls.Single().RunId, Is.Not.EqualTo(old));
        Assert.That(recorded, Is.EqualTo(new ReconciliationState?[] { ReconciliationState.InProgress }));
    }

    private async Task<ReconciliationJob> WaitForRetryAsync(int attempt)
    {
        ReconciliationJob? found = null;
        await EventuallyAsync(
            async () => (found = (await _host.JobQueries.GetForPartyAsync(B)).SingleOrDefault(j => j.Attempt == attempt && j.State == ReconciliationJobState.Queued)) is not null,
            $"retry {attempt} queued");
        return found!;
    }

    private static List<TransactionId> RandomIds(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => TransactionId.Random(random))];
    }
}
