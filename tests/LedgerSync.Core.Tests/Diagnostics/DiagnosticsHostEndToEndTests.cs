using LedgerSync.Testing;
using System.Collections.Immutable;
using System.IO.Compression;
using System.Text.Json;
using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Testing.Logging;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LedgerSync.Tests.Diagnostics;

/// <summary>Two nodes built with <c>AddLedgerSync()</c> on one in-memory network: the diagnostics as a host wires them.</summary>
public sealed class DiagnosticsHostEndToEndTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(30);

    private FakeTimeProvider _time = null!;
    private InMemoryNetwork _network = null!;
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _network = new InMemoryNetwork(_time);
        _directory = Path.Combine(Path.GetTempPath(), "ledgersync-host-dump-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _network.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task ScheduledRun_PeerStallsMidExchange_MonitorDumpAndHealthFollowItUntilTheTimeoutFailsIt()
    {
        var random = new Random(11);
        var shared = Enumerable.Range(0, 300).Select(_ => Transaction(random)).ToList();
        var onlyB = Enumerable.Range(0, 40).Select(_ => Transaction(random)).ToList();
        // B waits longer than A before giving up on a silent session, so A's own session timeout ends the run.
        var (hostA, logsA) = BuildNode(PartyA, shared, TimeSpan.FromSeconds(90));
        var (hostB, _) = BuildNode(PartyB, shared.Concat(onlyB), TimeSpan.FromMinutes(5));
        using var a = hostA;
        using var b = hostB;
        await a.StartAsync();
        await b.StartAsync();
        Assert.That(await WaitForAsync(() => a.Services.GetRequiredService<ILedgerGraph>().IsInitialized && b.Services.GetRequiredService<ILedgerGraph>().IsInitialized), Is.True);
        var monitor = a.Services.GetRequiredService<ReconciliationMonitor>();
        var health = a.Services.GetRequiredService<HealthCheckService>();

        // B accepts the hello, then goes silent with the session open.
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence >= 1 ? InMemoryMessageFate.Stall : InMemoryMessageFate.Deliver);
        await a.Services.GetRequiredService<ReconciliationFlows>().ScheduleReconciliationAsync([PartyB]);
        var registry = a.Services.GetRequiredService<ReconciliationRunRegistry>();
        Assert.That(
            await WaitForAsync(() => registry.Snapshot().Any(r => r.WaitingOn == RunWaitReason.PeerMessage && r.BytesReceived > 0)),
            Is.True,
            "the run never waited on the stalled peer");
        var held = registry.Snapshot().Single();
        var runId = held.RunId;

        Assert.That(monitor.NumberOfReconciliationsInProgress, Is.EqualTo(1));
        Assert.That((await monitor.GetReconciliationStatusAsync(PartyB))?.LastReconciliationStatus, Is.EqualTo(ReconciliationState.InProgress));
        Assert.That((await health.CheckHealthAsync()).Status, Is.EqualTo(HealthStatus.Healthy));

        // The hosted stuck-session monitor (default interval 30 s) warns once the fake clock passes the interval. The
        // clock moves a second at a time so the scheduler's lease renewals keep up, as they would in real time.
        await AdvanceAsync(TimeSpan.FromSeconds(40));
        Assert.That(await WaitForAsync(() => logsA.WithEventId(LedgerSyncEventId.RunWaitingForPeer).Count > 0), Is.True, "no stuck-session warning");
        var warning = logsA.WithEventId(LedgerSyncEventId.RunWaitingForPeer)[0];
        Assert.That(warning.Message, Does.Match($"Reconciliation {runId} has been waiting (30|40) seconds for messages from {PartyB}"));
        Assert.That(warning.ScopeValues()[FlowLogScope.FlowNameKey], Is.EqualTo(FlowNames.ReconcileWithParty));

        var path = await a.Services.GetRequiredService<InFlightDumper>().WriteToDirectoryAsync(_directory);
        using (var zip = ZipFile.OpenRead(path))
        {
            var entry = zip.Entries.Single();
            Assert.That(entry.FullName, Is.EqualTo($"ReconcileWithPartyFlow-{runId}.json"));
            await using var stream = entry.Open();
            using var json = await JsonDocument.ParseAsync(stream);
            Assert.That(json.RootElement.GetProperty("suspendedOn").GetProperty("reason").GetString(), Is.EqualTo("PeerMessage"));
            Assert.That(
                json.RootElement.GetProperty("suspendedOn").GetProperty("secondsSuspended").GetInt64(),
                Is.EqualTo((long)(_time.GetUtcNow() - held.WaitingSince).TotalSeconds));
            Assert.That(json.RootElement.GetProperty("party").GetString(), Is.EqualTo(PartyB.ToString()));
        }

        // The session timeout fails the run: nothing stays IN_PROGRESS.
        await AdvanceAsync(TimeSpan.FromMinutes(2));
        Assert.That(
            await WaitForAsync(() => monitor.GetReconciliationStatusAsync(PartyB).Result?.LastReconciliationStatus == ReconciliationState.Failed),
            Is.True,
            "the run did not fail after the session timeout");
        var status = await monitor.GetReconciliationStatusAsync(PartyB);
        Assert.That(status!.LastReconciliationError, Does.Contain(PartyB.ToString()));
        Assert.That(await monitor.GetFailedPartiesAsync(), Is.EqualTo(new[] { PartyB }));
        var report = await health.CheckHealthAsync();
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(report.Entries["ledgersync"].Description, Does.Contain(PartyB.ToString()));

        _network.SetInterceptor(null);
        _time.Advance(TimeSpan.FromMinutes(5));
        await _network.WhenHandlersIdleAsync();
        await a.StopAsync();
        await b.StopAsync();
    }

    private async Task AdvanceAsync(TimeSpan by)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += TimeSpan.FromSeconds(1))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(2);
        }
    }

    private static TransactionMetadata Transaction(Random random) =>
        new(TransactionId.Random(random), [], ImmutableArray.Create(PartyA, PartyB));

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + RealTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    private (IHost Host, FakeLogCollector Logs) BuildNode(PartyName party, IEnumerable<TransactionMetadata> transactions, TimeSpan sessionTimeout)
    {
        var logs = new FakeLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        builder.Services.AddMetrics();
        // Not UseInMemoryTransport: its transport factory resolves the inbound handler, whose admission is the scheduler,
        // which needs the initiator, which needs the transport — a cycle that blocks resolution. Join the network after
        // building instead.
        builder.Services.AddLedgerSync(o => (o.LocalParty, o.SessionTimeout) = (party, sessionTimeout))
            .UseTransactionSource(new InMemoryTransactionSource(transactions))
            .UsePeerTransport(_ => _network.CreateTransport(party));
        builder.Services.AddHealthChecks().AddCheck<LedgerSyncHealthCheck>(LedgerSyncHealthCheck.DefaultName);
        var host = builder.Build();
        _network.Register(party, host.Services.GetRequiredService<IInboundSessionHandler>());
        return (host, logs.Collector);
    }
}
