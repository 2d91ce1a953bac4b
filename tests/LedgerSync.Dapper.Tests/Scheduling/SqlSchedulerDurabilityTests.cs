using Dapper;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Scheduling;
using LedgerSync.Dapper.Status;
using LedgerSync.Protocol;
using LedgerSync.Testing.Scheduling;
using LedgerSync.Tests.Status;
using static LedgerSync.Testing.Scheduling.TestParties;
using FakeTimeProvider = Microsoft.Extensions.Time.Testing.FakeTimeProvider;

namespace LedgerSync.Tests.Scheduling;

/// <summary>The scheduler over the SQL job queue: restarts lose no job and run none twice; instances sharing a database split the work.</summary>
public abstract class SqlSchedulerDurabilityTests(SqlDialect dialect)
{
    private SqlTestDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await SqlTestDatabase.CreateAsync(dialect);

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [SetUp]
    public Task Reset() => _database.ResetAsync();

    [Test]
    public async Task StopAsync_RestartInMiddleOfTwentyJobs_NoneLostNoneRunTwice()
    {
        var parties = Enumerable.Range(1, 20).Select(Numbered).ToList();
        var release = new SemaphoreSlim(0);
        var first = CreateHost(TimeProvider.System);
        first.Initiator.Behavior = async (_, ct) =>
        {
            await release.WaitAsync(ct);
            return FakeReconciliationInitiator.NoDifferences;
        };
        await first.Scheduler.StartAsync();
        await first.Flows.ScheduleReconciliationAsync(parties);
        release.Release(7);
        await EventuallyAsync(() => first.Initiator.Completed.Count == 7 && first.Initiator.Current == 3, "7 done, 3 running");

        using (var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await first.Scheduler.StopAsync(shutdownTimeout.Token);
        }

        await first.DisposeAsync();
        var interrupted = first.Initiator.Calls.Select(c => c.Counterparty).Except(first.Initiator.Completed.Keys).ToList();
        Assert.That(interrupted, Has.Count.EqualTo(3));

        // "Restart": new stores and a new scheduler on the same database.
        await using var second = CreateHost(TimeProvider.System);
        await second.Scheduler.StartAsync();
        await EventuallyAsync(() => first.Initiator.Completed.Count + second.Initiator.Completed.Count == 20 && second.Scheduler.RunningCount == 0, "all 20 done", 60);

        foreach (var party in parties)
        {
            var runs = first.Initiator.Completed.GetValueOrDefault(party) + second.Initiator.Completed.GetValueOrDefault(party);
            Assert.That(runs, Is.EqualTo(1), $"{party} completed exactly once");
            Assert.That(await second.HasStateAsync(party, ReconciliationState.DifferencesNotFound), Is.True, party.ToString());
        }

        Assert.That(await second.JobQueries.GetAllAsync(), Is.Empty);
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        var interruptedFailures = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE status = 'FAILED' AND error LIKE 'interrupted by restart%'");
        Assert.That(interruptedFailures, Is.EqualTo(3), "each interrupted run is recorded FAILED once");
    }

    [Test]
    public async Task TryClaimNextAsync_TwoInstancesOnOneDatabase_EachJobRunsExactlyOnce()
    {
        var parties = Enumerable.Range(1, 20).Select(Numbered).ToList();
        await using var a = CreateHost(TimeProvider.System);
        await using var b = CreateHost(TimeProvider.System);
        // Each instance's runs wait until the other instance has started one (at most 3 run at once per instance, so
        // neither can take all 20 while the other idles): both must take part, whatever the machine's load.
        var aStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<ReconciliationRequest, CancellationToken, Task<ReconciliationResult>> Slow(TaskCompletionSource started, TaskCompletionSource other) => async (_, ct) =>
        {
            started.TrySetResult();
            await other.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            await Task.Delay(20, ct);
            return FakeReconciliationInitiator.NoDifferences;
        };
        a.Initiator.Behavior = Slow(aStarted, bStarted);
        b.Initiator.Behavior = Slow(bStarted, aStarted);
        await a.Scheduler.StartAsync();
        await b.Scheduler.StartAsync();

        await a.Flows.ScheduleReconciliationAsync(parties[..10]);
        await b.Flows.ScheduleReconciliationAsync(parties[10..]);
        await EventuallyAsync(() => a.Initiator.Completed.Count + b.Initiator.Completed.Count == 20, "all 20 done", 60);

        // No job left in the shared store and neither instance running: nothing can still start a second run.
        await EventuallyAsync(
            async () => a.Scheduler.RunningCount == 0 && b.Scheduler.RunningCount == 0 && (await a.JobQueries.GetAllAsync()).Count == 0,
            "both instances idle with no job left",
            60);

        var all = a.Initiator.Calls.Concat(b.Initiator.Calls).Select(c => c.Counterparty).ToList();
        Assert.That(all, Has.Count.EqualTo(20));
        Assert.That(all, Is.Unique);
        Assert.That(a.Initiator.Calls, Is.Not.Empty);
        Assert.That(b.Initiator.Calls, Is.Not.Empty);
        Assert.That(await a.Flows.IsReconciliationScheduledForPartyAsync(parties[15]), Is.False);
        // Due in an hour, so the job is still queued (not already run by A) when B tries to schedule the same party.
        await a.Flows.ScheduleReconciliationAsync([parties[0]], startAt: TimeProvider.System.GetUtcNow().AddHours(1));
        Assert.That(
            async () => await b.Flows.ScheduleReconciliationAsync([parties[0]]),
            Throws.TypeOf<ReconciliationAlreadyScheduledException>(),
            "the other instance sees the queued job");
    }

    [Test]
    public async Task TryClaimNextAsync_OwnerCrashed_SurvivorTakesOverAfterLease()
    {
        var frozen = new FakeTimeProvider(SchedulerTestHost.Epoch);
        var crashed = CreateHost(frozen);
        var hang = new TaskCompletionSource<ReconciliationResult>();
        crashed.Initiator.Behavior = (_, _) => hang.Task;
        await crashed.Scheduler.StartAsync();
        await crashed.Flows.ScheduleReconciliationAsync([B]);
        await EventuallyAsync(() => crashed.Initiator.Calls.Count == 1, "running on the first instance");

        var later = new FakeTimeProvider(frozen.GetUtcNow());
        await using var survivor = CreateHost(later);
        await survivor.Scheduler.StartAsync();
        await later.AdvanceUntilAsync(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), () => survivor.HasStateAsync(B, ReconciliationState.DifferencesNotFound), "taken over");

        hang.SetResult(FakeReconciliationInitiator.Found(TransactionId.Random(new Random(1))));
        await EventuallyAsync(() => crashed.Scheduler.RunningCount == 0, "old run unwound");
        Assert.That(await survivor.HasStateAsync(B, ReconciliationState.DifferencesNotFound), Is.True, "the crashed owner records nothing");
        await crashed.DisposeAsync();
    }

    private SchedulerTestHost CreateHost(TimeProvider clock)
    {
        var host = new SchedulerTestHost(
            new SqlStatusStore(dialect, _database.CreateConnection),
            new SqlReconciliationJobStore(dialect, _database.CreateConnection),
            clock as FakeTimeProvider,
            clock: clock);
        host.Scheduler.Dispatcher.PollInterval = TimeSpan.FromMilliseconds(50);
        return host;
    }
}

[TestFixture]
public sealed class SqliteSchedulerDurabilityTests() : SqlSchedulerDurabilityTests(SqlDialect.Sqlite);

[TestFixture]
[Category("PostgreSQL")]
public sealed class PostgreSqlSchedulerDurabilityTests() : SqlSchedulerDurabilityTests(SqlDialect.PostgreSql);
