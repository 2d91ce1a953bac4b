using LedgerSync.Scheduling;
using NUnit.Framework;

namespace LedgerSync.Testing.Scheduling;

/// <summary>
/// The semantics every job store must have (<see cref="IReconciliationJobStore"/>, its claims and
/// <see cref="IReconciliationJobQueries"/>), run against each implementation by deriving from this fixture
/// (in-memory, SQLite, PostgreSQL).
/// </summary>
public abstract class JobStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected IReconciliationJobStore Store { get; private set; } = null!;

    protected IReconciliationJobQueries Queries { get; private set; } = null!;

    /// <summary>Creates an empty store (called before every test); the same object serves both interfaces.</summary>
    protected abstract Task<object> CreateStoreAsync();

    [SetUp]
    public async Task CreateStore()
    {
        var store = await CreateStoreAsync();
        Store = (IReconciliationJobStore)store;
        Queries = (IReconciliationJobQueries)store;
    }

    [Test]
    public async Task TryAddAsync_SecondOutgoingJobForParty_ReturnsFalseAndKeepsTheFirst()
    {
        var first = Job(TestParties.B, T0);

        Assert.That(await Store.TryAddAsync(first), Is.True);
        Assert.That(await Store.TryAddAsync(Job(TestParties.B, T0.AddHours(1))), Is.False);
        Assert.That((await Queries.GetForPartyAsync(TestParties.B)).Select(j => j.JobId), Is.EqualTo(new[] { first.JobId }));
    }

    [Test]
    public async Task TryClaimNextAsync_SeveralDue_ClaimsTheEarliestOnceWithALease()
    {
        var late = Job(TestParties.B, T0.AddMinutes(2));
        var early = Job(TestParties.C, T0.AddMinutes(1));
        await Store.TryAddAsync(late);
        await Store.TryAddAsync(early);

        Assert.That(await Store.TryClaimNextAsync(T0, T0 + Lease), Is.Null, "nothing is due yet");
        var claim = await Store.TryClaimNextAsync(T0.AddMinutes(5), T0.AddMinutes(5) + Lease);

        Assert.That(claim, Is.Not.Null);
        Assert.That(claim!.Job.JobId, Is.EqualTo(early.JobId));
        Assert.That(claim.Job.RunId, Is.EqualTo(early.RunId));
        Assert.That(claim.Job.State, Is.EqualTo(ReconciliationJobState.Running));
        var stored = (await Queries.GetForPartyAsync(TestParties.C)).Single();
        Assert.That(stored.State, Is.EqualTo(ReconciliationJobState.Running));
        Assert.That(stored.LeaseUntil, Is.EqualTo(T0.AddMinutes(5) + Lease));
        Assert.That(stored.Owner, Is.Not.Null.And.Not.Empty);
        var second = await Store.TryClaimNextAsync(T0.AddMinutes(5), T0.AddMinutes(5) + Lease);
        Assert.That(second!.Job.JobId, Is.EqualTo(late.JobId));
        Assert.That(await Store.TryClaimNextAsync(T0.AddMinutes(5), T0.AddMinutes(5) + Lease), Is.Null, "a claimed job is not claimed again");
    }

    [Test]
    public async Task GetNextDueAsync_QueuedAndClaimed_EarliestQueuedOnly()
    {
        Assert.That(await Store.GetNextDueAsync(), Is.Null);
        await Store.TryAddAsync(Job(TestParties.B, T0));
        await Store.TryAddAsync(Job(TestParties.C, T0.AddMinutes(3)));
        await Store.TryClaimNextAsync(T0, T0 + Lease);

        Assert.That(await Store.GetNextDueAsync(), Is.EqualTo(T0.AddMinutes(3)));
    }

    [Test]
    public async Task RenewAsync_LeaseExpiredAndRecovered_FalseAndNextClaimTakesANewRunIdReportingTheOld()
    {
        var job = Job(TestParties.B, T0);
        await Store.TryAddAsync(job);
        var crashed = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;

        Assert.That(await Store.RecoverExpiredAsync(T0.AddSeconds(10)), Is.Empty, "the lease has not expired");
        var recovered = await Store.RecoverExpiredAsync(T0.AddSeconds(31));
        Assert.That(recovered.Select(j => j.JobId), Is.EqualTo(new[] { job.JobId }));
        Assert.That(await crashed.RenewAsync(T0.AddMinutes(2)), Is.False);
        Assert.That(await crashed.CompleteAsync(), Is.False);

        var takeover = (await Store.TryClaimNextAsync(T0.AddSeconds(31), T0.AddSeconds(31) + Lease))!;
        Assert.That(takeover.Job.InterruptedRunId, Is.EqualTo(job.RunId));
        Assert.That(takeover.Job.RunId, Is.Not.EqualTo(job.RunId));
        Assert.That(await takeover.RenewAsync(T0.AddMinutes(2)), Is.True);
        Assert.That(await takeover.CompleteAsync(), Is.True);
        Assert.That(await Queries.GetAllAsync(), Is.Empty);
    }

    [Test]
    public async Task RetryLaterAsync_Twice_CountsAttemptsKeepsRunIdAndFirstAttempt()
    {
        var job = Job(TestParties.B, T0);
        await Store.TryAddAsync(job);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;

        Assert.That(await claim.RetryLaterAsync(T0.AddSeconds(2), T0), Is.True);
        Assert.That(await claim.RetryLaterAsync(T0.AddSeconds(3), T0), Is.False, "the claim ended with the first retry");
        var again = (await Store.TryClaimNextAsync(T0.AddSeconds(2), T0.AddSeconds(2) + Lease))!;
        Assert.That(await again.RetryLaterAsync(T0.AddSeconds(6), T0.AddSeconds(2)), Is.True);

        var stored = (await Queries.GetForPartyAsync(TestParties.B)).Single();
        Assert.That(stored.Attempt, Is.EqualTo(2));
        Assert.That(stored.RunId, Is.EqualTo(job.RunId));
        Assert.That(stored.FirstAttemptAt, Is.EqualTo(T0), "the first attempt is kept");
        Assert.That(stored.DueAt, Is.EqualTo(T0.AddSeconds(6)));
        Assert.That(stored.State, Is.EqualTo(ReconciliationJobState.Queued));
        Assert.That(stored.Owner, Is.Null);
    }

    [Test]
    public async Task RescheduleAsync_Recurring_QueuesNextOccurrenceWithNewRunIdAndResetRetries()
    {
        var job = Job(TestParties.B, T0) with { RepeatEvery = TimeSpan.FromHours(1) };
        await Store.TryAddAsync(job);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        await claim.RetryLaterAsync(T0.AddSeconds(1), T0);
        claim = (await Store.TryClaimNextAsync(T0.AddSeconds(1), T0.AddSeconds(1) + Lease))!;
        var next = Guid.NewGuid();

        Assert.That(await claim.RescheduleAsync(T0.AddHours(1), next), Is.True);

        var stored = (await Queries.GetForPartyAsync(TestParties.B)).Single();
        Assert.That(stored.RunId, Is.EqualTo(next));
        Assert.That(stored.DueAt, Is.EqualTo(T0.AddHours(1)));
        Assert.That(stored.Attempt, Is.Zero);
        Assert.That(stored.FirstAttemptAt, Is.Null);
        Assert.That(stored.RepeatEvery, Is.EqualTo(TimeSpan.FromHours(1)));
        Assert.That(stored.State, Is.EqualTo(ReconciliationJobState.Queued));
    }

    [Test]
    public async Task ReleaseAsync_Shutdown_QueuesAtOnceAndNextClaimReportsTheInterruptedRun()
    {
        var job = Job(TestParties.B, T0.AddMinutes(-1));
        await Store.TryAddAsync(job);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;

        Assert.That(await claim.ReleaseAsync(T0), Is.True);

        var resumed = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        Assert.That(resumed.Job.InterruptedRunId, Is.EqualTo(job.RunId));
        Assert.That(resumed.Job.RunId, Is.Not.EqualTo(job.RunId));
    }

    [Test]
    public async Task AddClaimedAsync_IncomingLeaseExpires_RecoverDeletesAndReturnsIt()
    {
        var lease = Job(TestParties.C, T0) with { IsRequester = false, State = ReconciliationJobState.Running };
        var claim = await Store.AddClaimedAsync(lease, T0 + Lease);

        Assert.That(await Store.TryClaimNextAsync(T0.AddHours(1), T0.AddHours(1) + Lease), Is.Null, "an incoming lease is never claimed as work");
        Assert.That(await claim.RenewAsync(T0.AddSeconds(40)), Is.True);
        Assert.That(await Store.RecoverExpiredAsync(T0.AddSeconds(35)), Is.Empty, "renewed");
        var expired = await Store.RecoverExpiredAsync(T0.AddSeconds(41));

        Assert.That(expired.Select(j => (j.RunId, j.IsRequester)), Is.EqualTo(new[] { (lease.RunId, false) }));
        Assert.That(await Queries.GetAllAsync(), Is.Empty);
    }

    [Test]
    public async Task RemoveForPartyAsync_BothRoles_RemovesAndReturnsThem()
    {
        await Store.TryAddAsync(Job(TestParties.B, T0));
        await Store.AddClaimedAsync(Job(TestParties.B, T0) with { IsRequester = false }, T0 + Lease);
        await Store.TryAddAsync(Job(TestParties.C, T0));

        var removed = await Store.RemoveForPartyAsync(TestParties.B);

        Assert.That(removed.Count(j => j.IsRequester), Is.EqualTo(1));
        Assert.That(removed.Count(j => !j.IsRequester), Is.EqualTo(1));
        Assert.That((await Queries.GetAllAsync()).Select(j => j.Party), Is.EqualTo(new[] { TestParties.C }));
    }

    [Test]
    public async Task GetCountsAsync_MixedJobs_CountsByRoleAndState()
    {
        await Store.TryAddAsync(Job(TestParties.B, T0));
        await Store.TryAddAsync(Job(TestParties.C, T0.AddHours(1)));
        await Store.TryAddAsync(Job(TestParties.Numbered(1), T0.AddHours(2)));
        await Store.TryClaimNextAsync(T0, T0 + Lease);
        await Store.AddClaimedAsync(Job(TestParties.Numbered(2), T0) with { IsRequester = false }, T0 + Lease);

        Assert.That(await Queries.GetCountsAsync(), Is.EqualTo(new ReconciliationJobCounts(QueuedOutgoing: 2, RunningOutgoing: 1, RunningIncoming: 1)));
    }

    [Test]
    public async Task TryClaimNextAsync_FourClaimersAtOnce_EachJobClaimedExactlyOnce()
    {
        var jobs = Enumerable.Range(1, 20).Select(i => Job(TestParties.Numbered(i), T0.AddMilliseconds(i))).ToList();
        foreach (var job in jobs)
        {
            await Store.TryAddAsync(job);
        }

        var claimed = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await Store.TryClaimNextAsync(T0.AddMinutes(1), T0.AddMinutes(1) + Lease) is { } claim)
            {
                claimed.Add(claim.Job.JobId);
            }
        })));

        Assert.That(claimed, Is.EquivalentTo(jobs.Select(j => j.JobId)));
    }

    private static ReconciliationJob Job(PartyName party, DateTimeOffset dueAt) => new()
    {
        JobId = Guid.NewGuid(),
        Party = party,
        IsRequester = true,
        RunId = Guid.NewGuid(),
        State = ReconciliationJobState.Queued,
        DueAt = dueAt,
        CreatedAt = T0,
    };
}
