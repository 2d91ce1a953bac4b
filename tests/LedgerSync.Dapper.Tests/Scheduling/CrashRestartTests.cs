using Dapper;
using Microsoft.Data.Sqlite;

namespace LedgerSync.Tests.Scheduling;

/// <summary>
/// A node in a child process, killed with SIGKILL mid-queue while its ledger loads slowly, restarted on the same
/// SQLite file: every job runs exactly once, counted from the run history and from the sessions on the network.
/// The peers are real LedgerSync responders in this process behind a loopback listener (<see cref="CrashTestNetwork"/>).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrashRestartTests : CrashTestNetwork
{
    private const int Peers = 20;
    private string _database = null!;

    [SetUp]
    public void SetUp() => _database = Path.Combine(Path.GetTempPath(), $"ledgersync-crash-{Guid.NewGuid():N}.db");

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_database + suffix);
        }
    }

    [Test]
    public async Task Node_KilledTwiceMidQueueWithSlowLedger_EveryJobRunsExactlyOnce()
    {
        using (var first = StartNode([_database], loadDelayMs: 300, schedule: Peers))
        {
            await WaitForAsync(() => Sessions.Values.Sum() >= 5, "five sessions opened");
            first.Kill(); // SIGKILL on Linux
            await first.WaitForExitAsync();
        }

        var afterFirstKill = Sessions.Values.Sum();
        using (var second = StartNode([_database], loadDelayMs: 1500, schedule: null))
        {
            await WaitForAsync(() => Sessions.Values.Sum() >= afterFirstKill + 5, "five more sessions opened");
            second.Kill();
            await second.WaitForExitAsync();
        }

        using (var third = StartNode([_database], loadDelayMs: 1500, schedule: null))
        {
            await WaitForAsync(async () => (await CompletedPartiesAsync()) == Peers, "every job done", 120);

            // Nothing is claimed or running any more (only the recurring job, queued for its next day): no run can
            // still complete a job a second time after this point.
            await WaitForAsync(async () => await UnqueuedJobsAsync() == 0, "no job claimed or running", 60);
            third.Kill();
            await third.WaitForExitAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={_database}");
        var completed = (await connection.QueryAsync<(string Party, long Runs)>(
            "SELECT party_name, COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE is_requester = 1 AND status = 'DIFFERENCES_NOT_FOUND' GROUP BY party_name")).ToList();
        var interrupted = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE status = 'FAILED' AND error LIKE 'interrupted by restart%'");
        var otherFailures = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE status = 'FAILED' AND error NOT LIKE 'interrupted by restart%'");
        var queued = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM CR_RECONCILIATION_JOB");
        TestContext.Out.WriteLine($"cycles: 2 kills + final run; jobs: {Peers}; completed runs per job: {string.Join(",", completed.Select(c => c.Runs).Distinct())}; cut-off runs recorded interrupted: {interrupted}; sessions on the network: {Sessions.Values.Sum()} (per peer: {string.Join(",", Sessions.Values.GroupBy(v => v).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}"))}; refused: {Refusals.Values.Sum()}); jobs left: {queued}");

        Assert.That(completed, Has.Count.EqualTo(Peers), "every job completed");
        Assert.That(completed.Select(c => c.Runs), Has.All.EqualTo(1L), "no job completed twice");
        Assert.That(otherFailures, Is.Zero, "nothing failed while the ledger loaded");
        Assert.That(Sessions.Keys, Has.Count.EqualTo(Peers), "every peer was contacted");
        // A run cut off before it reached the network is recorded interrupted but opened no session; so each peer was
        // asked for its one completed run plus at most one reconciliation per cut-off run, never more (sessions it
        // refused, e.g. busy while it still noticed a killed requester's session, are retries that ran nothing).
        var interruptedPerParty = (await connection.QueryAsync<(string Party, long Runs)>(
            "SELECT party_name, COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE status = 'FAILED' AND error LIKE 'interrupted by restart%' GROUP BY party_name"))
            .ToDictionary(r => PartyName.Parse(r.Party), r => (int)r.Runs);
        var history = (await connection.QueryAsync<(string Party, string Role, string Status, string? Error)>(
            "SELECT party_name, CASE WHEN is_requester THEN 'out' ELSE 'in' END, status, error FROM CR_RECONCILIATION_RUN_HISTORY ORDER BY recorded_at")).ToLookup(r => PartyName.Parse(r.Party));
        foreach (var party in Sessions.Keys)
        {
            Assert.That(
                AcceptedSessions(party),
                Is.InRange(1, 1 + interruptedPerParty.GetValueOrDefault(party)),
                $"{party}: {Sessions[party]} sessions, {Refusals.GetValueOrDefault(party)} refused; history: {string.Join(" | ", history[party].Select(r => $"{r.Role} {r.Status} {r.Error}"))}");
        }

        Assert.That(interrupted, Is.GreaterThan(0), "the kills did cut runs off");
        Assert.That(queued, Is.EqualTo(1), "only the recurring job is left, queued for its next day");
    }

    private async Task<long> UnqueuedJobsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_database};Mode=ReadOnly");
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM CR_RECONCILIATION_JOB WHERE state <> 'QUEUED'");
    }

    private async Task<int> CompletedPartiesAsync()
    {
        if (!File.Exists(_database))
        {
            return 0;
        }

        try
        {
            await using var connection = new SqliteConnection($"Data Source={_database};Mode=ReadOnly");
            return (int)await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(DISTINCT party_name) FROM CR_RECONCILIATION_RUN_HISTORY WHERE is_requester = 1 AND status = 'DIFFERENCES_NOT_FOUND'");
        }
        catch (SqliteException)
        {
            return 0; // the schema is not there yet
        }
    }
}
