using LedgerSync.Testing;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Text.Json;
using LedgerSync.Diagnostics;
using LedgerSync.Testing.Logging;
using LedgerSync.Tests.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LedgerSync.Tests.Diagnostics;

/// <summary>The diagnostics over a real initiator and responder on the in-memory network, with a peer that stalls.</summary>
public sealed class InFlightEndToEndTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");

    private FakeTimeProvider _time = null!;
    private InMemoryNetwork _network = null!;
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _network = new InMemoryNetwork(_time);
        _directory = Path.Combine(Path.GetTempPath(), "ledgersync-e2e-dump-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public async Task TearDown()
    {
        _time.Advance(TimeSpan.FromHours(1)); // lets a responder still waiting on the stalled session time out
        await _network.WhenHandlersIdleAsync();
        await _network.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task Diagnostics_PeerStallsMidExchange_DumpAndMonitorShowTheWaitThenTheTimeoutFailsTheRun()
    {
        var a = new ProtocolNode(_network, PartyA, timeProvider: _time, configure: o => o.SessionTimeout = TimeSpan.FromSeconds(90));
        // B's session timeout is longer than A's, so A's own timeout, not B giving up, ends the run.
        var b = new ProtocolNode(_network, PartyB, timeProvider: _time, configure: o => o.SessionTimeout = TimeSpan.FromMinutes(5));
        var random = new Random(7);
        var shared = Enumerable.Range(0, 200).Select(_ => TransactionId.Random(random)).ToList();
        var onlyB = Enumerable.Range(0, 50).Select(_ => TransactionId.Random(random)).ToList();
        a.Fake.Add(PartyB, shared);
        b.Fake.Add(PartyA, shared.Concat(onlyB));
        using var metrics = new LedgerSyncMetrics(a.Registry, new ReconciliationMonitor(a.Registry, NSubstitute.Substitute.For<LedgerSync.Status.IStatusStore>(), a.Graph), a.Graph);
        a.Telemetry.Add(new MetricsTelemetryListener(metrics));
        var outcomes = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == metrics.Meter && instrument.Name == LedgerSyncTelemetry.RunsInstrument)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => outcomes.Enqueue((string)tags.ToArray().Single(t => t.Key == LedgerSyncTelemetry.OutcomeTag).Value!));
        listener.Start();

        // B answers the hello, then goes silent with the session still open.
        _network.SetInterceptor(m => m.From == PartyB && m.Sequence >= 1 ? InMemoryMessageFate.Stall : InMemoryMessageFate.Deliver);
        var reconcile = a.ReconcileAsync(PartyB);
        var held = await WaitForAsync(
            () => a.Registry.Snapshot().SingleOrDefault(r => r.WaitingOn == RunWaitReason.PeerMessage && r.BytesReceived > 0),
            TimeSpan.FromSeconds(30));
        Assert.That(held, Is.Not.Null, "the requester never waited on the stalled peer");
        _time.Advance(TimeSpan.FromSeconds(40));

        var path = await new InFlightDumper(a.Registry).WriteToDirectoryAsync(_directory);

        using (var zip = ZipFile.OpenRead(path))
        {
            var entry = zip.Entries.Single();
            Assert.That(entry.FullName, Is.EqualTo($"ReconcileWithPartyFlow-{held!.RunId}.json"));
            await using var stream = entry.Open();
            using var json = await JsonDocument.ParseAsync(stream);
            var root = json.RootElement;
            Assert.That(root.GetProperty("party").GetString(), Is.EqualTo(PartyB.ToString()));
            Assert.That(root.GetProperty("role").GetString(), Is.EqualTo("requester"));
            Assert.That(root.GetProperty("suspendedOn").GetProperty("reason").GetString(), Is.EqualTo("PeerMessage"));
            Assert.That(root.GetProperty("suspendedOn").GetProperty("secondsSuspended").GetInt64(), Is.EqualTo(40));
            Assert.That(root.GetProperty("bytesSent").GetInt64(), Is.GreaterThan(0));
            Assert.That(root.GetProperty("bytesReceived").GetInt64(), Is.EqualTo(held.BytesReceived));
            Assert.That(root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()), Does.Contain("hello sent"));
        }

        using var loggerFactory = FakeLogs.CreateFactory(out var logs);
        using var stuckMonitor = new StuckSessionMonitor(
            a.Registry,
            Options.Create(new LedgerSyncOptions { StuckSessionWarningInterval = TimeSpan.FromSeconds(30) }),
            loggerFactory.CreateLogger<StuckSessionMonitor>());
        stuckMonitor.CheckNow();
        var warning = logs.WithEventId(LedgerSyncEventId.RunWaitingForPeer).Single();
        Assert.That(warning.Message, Does.Contain($"Reconciliation {held.RunId} has been waiting 40 seconds for messages from {PartyB}"));
        Assert.That(warning.ScopeValues()[FlowLogScope.RunIdKey], Is.EqualTo(held.RunId));

        _time.Advance(TimeSpan.FromSeconds(50));

        Assert.That(async () => await reconcile, Throws.TypeOf<PeerSessionTimeoutException>().With.Message.Contains(PartyB.ToString()));
        Assert.That(a.Registry.Count, Is.Zero);
        Assert.That(outcomes, Is.EqualTo(new List<string> { ReconciliationStateNames.Failed }));
    }

    private static async Task<T?> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(10);
        }

        return null;
    }
}
