using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dapper;
using LedgerSync.CrashNode;
using LedgerSync.Transport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Tests.Scheduling;

/// <summary>
/// A node in a child process, killed with SIGKILL mid-queue while its ledger loads slowly, restarted on the same
/// SQLite file: every job runs exactly once, counted from the run history and from the sessions on the network.
/// The peers are real LedgerSync responders in this process behind a loopback listener.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class CrashRestartTests
{
    private const int Peers = 20;
    private readonly ConcurrentDictionary<PartyName, int> _sessions = new();
    private readonly ConcurrentDictionary<PartyName, IHost> _responders = new();
    private TcpListener _listener = null!;
    private CancellationTokenSource _stop = null!;
    private string _database = null!;

    [SetUp]
    public void SetUp()
    {
        _database = Path.Combine(Path.GetTempPath(), $"ledgersync-crash-{Guid.NewGuid():N}.db");
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _stop = new CancellationTokenSource();
        _ = AcceptAsync(_stop.Token);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Dispose();
        foreach (var host in _responders.Values)
        {
            await host.StopAsync();
            host.Dispose();
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_database + suffix);
        }

        _stop.Dispose();
    }

    [Test]
    public async Task Node_KilledTwiceMidQueueWithSlowLedger_EveryJobRunsExactlyOnce()
    {
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        using (var first = StartNode(port, loadDelayMs: 300, schedule: true))
        {
            await WaitForAsync(() => _sessions.Values.Sum() >= 5, "five sessions opened");
            first.Kill(); // SIGKILL on Linux
            await first.WaitForExitAsync();
        }

        var afterFirstKill = _sessions.Values.Sum();
        using (var second = StartNode(port, loadDelayMs: 1500, schedule: false))
        {
            await WaitForAsync(() => _sessions.Values.Sum() >= afterFirstKill + 5, "five more sessions opened");
            second.Kill();
            await second.WaitForExitAsync();
        }

        using (var third = StartNode(port, loadDelayMs: 1500, schedule: false))
        {
            await WaitForAsync(async () => (await CompletedPartiesAsync()) == Peers, "every job done", 120);
            await Task.Delay(500);
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
        TestContext.Out.WriteLine($"cycles: 2 kills + final run; jobs: {Peers}; completed runs per job: {string.Join(",", completed.Select(c => c.Runs).Distinct())}; cut-off runs recorded interrupted: {interrupted}; sessions on the network: {_sessions.Values.Sum()} (per peer: {string.Join(",", _sessions.Values.GroupBy(v => v).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}"))}); jobs left: {queued}");

        Assert.That(completed, Has.Count.EqualTo(Peers), "every job completed");
        Assert.That(completed.Select(c => c.Runs), Has.All.EqualTo(1L), "no job completed twice");
        Assert.That(otherFailures, Is.Zero, "nothing failed while the ledger loaded");
        Assert.That(_sessions.Keys, Has.Count.EqualTo(Peers), "every peer was contacted");
        // A run cut off before it reached the network is recorded interrupted but opened no session; so each peer saw
        // its one completed run plus at most one session per cut-off run, never more.
        var interruptedPerParty = (await connection.QueryAsync<(string Party, long Runs)>(
            "SELECT party_name, COUNT(*) FROM CR_RECONCILIATION_RUN_HISTORY WHERE status = 'FAILED' AND error LIKE 'interrupted by restart%' GROUP BY party_name"))
            .ToDictionary(r => PartyName.Parse(r.Party), r => (int)r.Runs);
        foreach (var (party, sessions) in _sessions)
        {
            Assert.That(sessions, Is.InRange(1, 1 + interruptedPerParty.GetValueOrDefault(party)), party.ToString());
        }

        Assert.That(interrupted, Is.GreaterThan(0), "the kills did cut runs off");
        Assert.That(queued, Is.EqualTo(1), "only the recurring job is left, queued for its next day");
    }

    private Process StartNode(int port, int loadDelayMs, bool schedule)
    {
        var dll = Path.Combine(CrashNodeDirectory(), "LedgerSync.CrashNode.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { dll, _database, port.ToString(System.Globalization.CultureInfo.InvariantCulture), loadDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        if (schedule)
        {
            info.ArgumentList.Add("schedule");
            info.ArgumentList.Add(Peers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start the crash node");
    }

    private static string CrashNodeDirectory()
    {
        // tests/LedgerSync.Dapper.Tests/bin/<Configuration>/net10.0 → tests/LedgerSync.CrashNode/bin/<Configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(here.Parent!.Parent!.Parent!.Parent!.FullName, "LedgerSync.CrashNode", "bin", here.Parent!.Name, here.Name);
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

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client, cancellationToken);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        try
        {
            var opener = await LoopbackSession.ReadNameAsync(client.GetStream(), cancellationToken);
            var target = await LoopbackSession.ReadNameAsync(client.GetStream(), cancellationToken);
            _sessions.AddOrUpdate(target, 1, (_, n) => n + 1);
            await Task.Delay(250, cancellationToken); // each run takes a while, so the kill lands mid-queue
            var handler = Responder(target).Services.GetRequiredService<IInboundSessionHandler>();
            await using var session = new LoopbackSession(client, opener);
            await handler.HandleAsync(session, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or EndOfStreamException)
        {
            client.Dispose(); // the requester was killed mid-session
        }
    }

    private IHost Responder(PartyName party) => _responders.GetOrAdd(party, p =>
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddLedgerSync(o => o.LocalParty = p).UseTransactionSource(new LedgerSync.Ledger.InMemoryTransactionSource());
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        var graph = host.Services.GetRequiredService<LedgerSync.Ledger.ILedgerGraph>();
        SpinWait.SpinUntil(() => graph.IsInitialized, TimeSpan.FromSeconds(30));
        return host;
    });

    private static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 60) =>
        await WaitForAsync(() => Task.FromResult(condition()), what, seconds);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = Environment.TickCount64 + (seconds * 1000L);
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
