using System.Diagnostics;
using Dapper;
using LedgerSync.Testing.PostgreSql;
using Npgsql;

namespace LedgerSync.Tests.Scheduling;

/// <summary>
/// Two instances of one node (the same party) in child processes sharing one PostgreSQL database, each killed with
/// SIGKILL mid-queue and restarted with a slow-loading ledger while the other keeps working: every job runs exactly
/// once, counted from the run history and from the sessions on the network (<see cref="CrashTestNetwork"/>).
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("PostgreSQL")]
public sealed class PostgreSqlCrashRestartTests : CrashTestNetwork
{
    private const int Peers = 40;
    private readonly List<Process> _nodes = [];
    private PostgreSqlTestDatabase _database = null!;

    private string[] Storage => ["--postgres", _database.ConnectionString];

    [OneTimeSetUp]
    public async Task OneTimeSetUp() => _database = await PostgreSqlTestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited)
            {
                node.Kill();
                await node.WaitForExitAsync();
            }

            node.Dispose();
        }

        _nodes.Clear();
    }

    [Test]
    public async Task TwoInstances_EachKilledMidQueueAndRestartedWhileTheOtherWorks_EveryJobRunsExactlyOnce()
    {
        // Instance A creates the schema and queues the jobs; B joins once they are there.
        var a = await StartAsync(loadDelayMs: 300, schedule: Peers);
        var b = await StartAsync(loadDelayMs: 300, schedule: null);
        await WaitForAsync(() => Sessions.Values.Sum() >= 6, "six sessions opened");

        // Kill A mid-queue; B alone keeps working before A comes back with a slow ledger.
        await KillAsync(a);
        var afterFirstKill = Sessions.Values.Sum();
        await WaitForAsync(() => Sessions.Values.Sum() >= afterFirstKill + 4, "four sessions opened by the surviving instance");
        var workedAlone = Sessions.Values.Sum() - afterFirstKill;
        _ = await StartAsync(loadDelayMs: 1500, schedule: null);

        // Kill B mid-queue; the restarted A keeps working while B comes back.
        var beforeSecondKill = Sessions.Values.Sum();
        await WaitForAsync(() => Sessions.Values.Sum() >= beforeSecondKill + 4, "four more sessions opened");
        await KillAsync(b);
        _ = await StartAsync(loadDelayMs: 1500, schedule: null);

        await WaitForAsync(async () => await CompletedPartiesAsync() == Peers, "every job done", 75);

        // Nothing is claimed or running any more (only the recurring job, queued for its next day): no run can still
        // complete a job a second time after this point.
        await WaitForAsync(async () => await UnqueuedJobsAsync() == 0, "no job claimed or running", 60);

        await using var connection = _database.CreateConnection();
        var completed = (await connection.QueryAsync<(string Party, long Runs)>(
            "SELECT party_name, COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE is_requester = TRUE AND status = 'DIFFERENCES_NOT_FOUND' GROUP BY party_name")).ToList();
        var interruptedPerParty = (await connection.QueryAsync<(string Party, long Runs)>(
            "SELECT party_name, COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE status = 'FAILED' AND error LIKE 'interrupted by restart%' GROUP BY party_name"))
            .ToDictionary(r => PartyName.Parse(r.Party), r => (int)r.Runs);
        var otherFailures = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE status = 'FAILED' AND error NOT LIKE 'interrupted by restart%'");
        var interruptedFirst = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY f JOIN CR_RECONCILIATION_RUN_HISTORY d ON d.party_name = f.party_name AND d.is_requester = f.is_requester " +
            "WHERE f.status = 'FAILED' AND f.error LIKE 'interrupted by restart%' AND d.status = 'DIFFERENCES_NOT_FOUND' AND f.recorded_at <= d.recorded_at");
        var queued = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM CR_RECONCILIATION_JOB");
        var interrupted = interruptedPerParty.Values.Sum();
        TestContext.Out.WriteLine(
            $"cycles: 2 kills + 2 restarts (2 instances); jobs: {Peers}; completed runs per job: {string.Join(",", completed.Select(c => c.Runs).Distinct())}; " +
            $"cut-off runs recorded interrupted: {interrupted}; sessions on the network: {Sessions.Values.Sum()} " +
            $"(per peer: {string.Join(",", Sessions.Values.GroupBy(v => v).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}"))}; refused: {Refusals.Values.Sum()}); " +
            $"sessions opened by the surviving instance alone: {workedAlone}; jobs left: {queued}");

        Assert.That(completed, Has.Count.EqualTo(Peers), "every job completed");
        Assert.That(completed.Select(c => c.Runs), Has.All.EqualTo(1L), "no job completed twice");
        Assert.That(otherFailures, Is.Zero, "nothing failed while a ledger loaded");
        Assert.That(interrupted, Is.GreaterThan(0), "the kills did cut runs off");
        Assert.That(interruptedFirst, Is.EqualTo(interrupted), "each cut-off run is recorded interrupted before its job's completed run");
        Assert.That(Sessions.Keys, Has.Count.EqualTo(Peers), "every peer was contacted");
        // A run cut off before it reached the network is recorded interrupted but opened no session; so each peer was
        // asked for its one completed run plus at most one reconciliation per cut-off run, never more (sessions it
        // refused, e.g. busy while it still noticed a killed requester's session, are retries that ran nothing).
        var history = (await connection.QueryAsync<(string Party, string Role, string Status, string? Error)>(
            "SELECT party_name, CASE WHEN is_requester THEN 'out' ELSE 'in' END, status, error FROM CR_RECONCILIATION_RUN_HISTORY ORDER BY recorded_at")).ToLookup(r => PartyName.Parse(r.Party));
        foreach (var party in Sessions.Keys)
        {
            Assert.That(
                AcceptedSessions(party),
                Is.InRange(1, 1 + interruptedPerParty.GetValueOrDefault(party)),
                $"{party}: {Sessions[party]} sessions, {Refusals.GetValueOrDefault(party)} refused; history: {string.Join(" | ", history[party].Select(r => $"{r.Role} {r.Status} {r.Error}"))}");
        }

        Assert.That(queued, Is.EqualTo(1), "only the recurring job is left, queued for its next day");
    }

    private async Task<Process> StartAsync(int loadDelayMs, int? schedule)
    {
        var node = StartNode(Storage, loadDelayMs, schedule);
        _nodes.Add(node);
        await WaitForReadyAsync(node);
        return node;
    }

    private static async Task KillAsync(Process node)
    {
        node.Kill(); // SIGKILL on Linux
        await node.WaitForExitAsync();
    }

    private async Task<long> UnqueuedJobsAsync()
    {
        await using var connection = _database.CreateConnection();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM CR_RECONCILIATION_JOB WHERE state <> 'QUEUED'");
    }

    private async Task<int> CompletedPartiesAsync()
    {
        try
        {
            await using var connection = _database.CreateConnection();
            return (int)await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(DISTINCT party_name) FROM CR_RECONCILIATION_RUN_HISTORY WHERE is_requester = TRUE AND status = 'DIFFERENCES_NOT_FOUND'");
        }
        catch (PostgresException)
        {
            return 0; // the schema is not there yet
        }
    }
}
