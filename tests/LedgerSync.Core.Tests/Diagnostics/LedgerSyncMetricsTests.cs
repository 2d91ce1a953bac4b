using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LedgerSync.Diagnostics;
using LedgerSync.Testing.Logging;
using Microsoft.Extensions.Logging;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class LedgerSyncMetricsTests
{
    private DiagnosticsTestContext _context = null!;
    private LedgerSyncMetrics _metrics = null!;
    private MeterListener _listener = null!;
    private ConcurrentQueue<Recorded> _recorded = null!;

    [SetUp]
    public void SetUp()
    {
        _context = new DiagnosticsTestContext();
        _metrics = new LedgerSyncMetrics(_context.Registry, _context.Monitor, _context.LedgerGraph);
        _context.Telemetry.Add(new MetricsTelemetryListener(_metrics));
        _recorded = new ConcurrentQueue<Recorded>();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == _metrics.Meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => _recorded.Enqueue(new Recorded(i, v, ToDictionary(t))));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => _recorded.Enqueue(new Recorded(i, v, ToDictionary(t))));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => _recorded.Enqueue(new Recorded(i, v, ToDictionary(t))));
        _listener.Start();
    }

    [TearDown]
    public void TearDown()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }

    [Test]
    public void Meter_Created_IsNamedLedgerSyncWithOpenTelemetryUnits()
    {
        var units = new Dictionary<string, string?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter == _metrics.Meter)
                {
                    units[instrument.Name] = instrument.Unit;
                }
            },
        };
        listener.Start();

        Assert.That(_metrics.Meter.Name, Is.EqualTo("LedgerSync"));
        Assert.That(units, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["ledgersync.reconciliation.scheduled"] = "{reconciliation}",
            ["ledgersync.reconciliation.in_progress"] = "{reconciliation}",
            ["ledgersync.reconciliation.failed"] = "{reconciliation}",
            ["ledgersync.reconciliation.with_differences"] = "{reconciliation}",
            ["ledgersync.reconciliation.without_differences"] = "{reconciliation}",
            ["ledgersync.reconciliation.runs"] = "{reconciliation}",
            ["ledgersync.reconciliation.duration"] = "s",
            ["ledgersync.reconciliation.differences"] = "{transaction}",
            ["ledgersync.reconciliation.io"] = "By",
            ["ledgersync.reconciliation.exchanges"] = "{exchange}",
            ["ledgersync.ledger_graph.transactions"] = "{transaction}",
            ["ledgersync.ledger_graph.errors"] = "{error}",
        }));
    }

    [Test]
    public void RunEnded_SuccessfulRequesterRun_RecordsOutcomeDurationAndDifferences()
    {
        var run = _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        _context.Time.Advance(TimeSpan.FromSeconds(90));

        run.End(ReconciliationState.DifferencesFound, differences: 7);

        var expectedTags = new Dictionary<string, object?> { ["ledgersync.outcome"] = "DIFFERENCES_FOUND", ["ledgersync.role"] = "requester" };
        Assert.That(Measurements("ledgersync.reconciliation.runs"), Is.EqualTo(new[] { new Recorded.Value(1L, expectedTags) }));
        Assert.That(Measurements("ledgersync.reconciliation.duration"), Is.EqualTo(new[] { new Recorded.Value(90.0, expectedTags) }));
        Assert.That(
            Measurements("ledgersync.reconciliation.differences"),
            Is.EqualTo(new[] { new Recorded.Value(7, new Dictionary<string, object?> { ["ledgersync.outcome"] = "DIFFERENCES_FOUND" }) }));
    }

    [Test]
    public void RunEnded_FailedResponderRun_CountsOutcomeWithoutDifferences()
    {
        var run = _context.StartRun(PartyB, ReconciliationRole.Responder);

        run.End(ReconciliationState.Failed, error: "session timed out");

        Assert.That(
            Measurements("ledgersync.reconciliation.runs").Single().Tags,
            Is.EquivalentTo(new Dictionary<string, object?> { ["ledgersync.outcome"] = "FAILED", ["ledgersync.role"] = "responder" }));
        Assert.That(Measurements("ledgersync.reconciliation.differences"), Is.Empty);
    }

    [Test]
    public void BytesAndExchanges_RunHeldMidExchange_CountedByDirectionAndRole()
    {
        _context.StartRunHeldMidExchange(PartyB, waitSeconds: 10);

        var io = Measurements("ledgersync.reconciliation.io");
        Assert.That(
            io.Where(m => (string?)m.Tags["network.io.direction"] == "transmit").Sum(m => (long)m.Number),
            Is.EqualTo(49200));
        Assert.That(
            io.Where(m => (string?)m.Tags["network.io.direction"] == "receive").Sum(m => (long)m.Number),
            Is.EqualTo(3000));
        Assert.That(io.Select(m => m.Tags["ledgersync.role"]), Is.All.EqualTo("requester"));
        Assert.That(
            Measurements("ledgersync.reconciliation.exchanges"),
            Is.EqualTo(new[] { new Recorded.Value(1L, new Dictionary<string, object?> { ["ledgersync.role"] = "requester" }) }));
    }

    [Test]
    public async Task ObservableGauges_RunsRowsAndGraph_ReportCurrentCounts()
    {
        _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        _context.StartRun(PartyC, waitingOn: RunWaitReason.PeerMessage);
        _context.StartRun(PartyD, ReconciliationRole.Responder, RunWaitReason.None);
        _context.StartRun(PartyE, ReconciliationRole.Responder, RunWaitReason.PeerMessage);
        _context.AddRow(PartyB, ReconciliationState.Failed);
        _context.AddRow(PartyC, ReconciliationState.DifferencesFound);
        _context.AddRow(PartyD, ReconciliationState.DifferencesNotFound);
        _context.AddRow(PartyE, ReconciliationState.DifferencesNotFound);
        await _metrics.RefreshStoreCountsAsync();

        _listener.RecordObservableInstruments();

        Assert.That(Measurements("ledgersync.reconciliation.scheduled").Single().Number, Is.EqualTo(1));
        Assert.That(
            Measurements("ledgersync.reconciliation.in_progress").ToDictionary(m => m.Tags["ledgersync.role"]!, m => m.Number),
            Is.EquivalentTo(new Dictionary<object, object> { ["requester"] = 1, ["responder"] = 2 }));
        Assert.That(Measurements("ledgersync.reconciliation.failed").Single().Number, Is.EqualTo(1));
        Assert.That(Measurements("ledgersync.reconciliation.with_differences").Single().Number, Is.EqualTo(1));
        Assert.That(Measurements("ledgersync.reconciliation.without_differences").Single().Number, Is.EqualTo(2));
        Assert.That(Measurements("ledgersync.ledger_graph.transactions").Single().Number, Is.EqualTo(1234L));
        Assert.That(Measurements("ledgersync.ledger_graph.errors").Single().Number, Is.EqualTo(0));
    }

    [Test]
    public async Task FailedGauge_RequesterRunEndsAfterRowWritten_RefreshesInTheBackground()
    {
        await _metrics.RefreshStoreCountsAsync();
        var run = _context.StartRun(PartyB);
        _context.AddRow(PartyB, ReconciliationState.Failed);

        run.End(ReconciliationState.Failed, error: "peer went away");

        var failed = 0;
        for (var attempt = 0; attempt < 200 && failed == 0; attempt++)
        {
            await Task.Delay(25);
            _recorded.Clear();
            _listener.RecordObservableInstruments();
            failed = Measurements("ledgersync.reconciliation.failed").Select(m => (int)m.Number).SingleOrDefault();
        }

        Assert.That(failed, Is.EqualTo(1));
    }

    [Test]
    public async Task RefreshStoreCounts_StoreThrows_LogsWarningAndKeepsLastValues()
    {
        _context.AddRow(PartyB, ReconciliationState.Failed);
        using var factory = FakeLogs.CreateFactory(out var logs);
        using var metrics = new LedgerSyncMetrics(_context.Registry, _context.Monitor, _context.LedgerGraph, factory.CreateLogger<LedgerSyncMetrics>());
        await metrics.RefreshStoreCountsAsync();
        _context.StoreFailure = new InvalidOperationException("database is locked");
        _context.Time.Advance(LedgerSyncMetrics.StoreCountsMaxAge);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == metrics.Meter && instrument.Name == "ledgersync.reconciliation.failed")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        var values = new ConcurrentQueue<int>();
        listener.SetMeasurementEventCallback<int>((_, v, _, _) => values.Enqueue(v));
        listener.Start();

        // Each collection of stale counts starts a refresh (unless one is running); it fails in the background. (The
        // refresh started by the constructor may also still be running and fail first.)
        listener.RecordObservableInstruments();
        for (var attempt = 0; attempt < 200 && logs.WithEventId(LedgerSyncEventId.MetricsStatusReadFailed).Count == 0; attempt++)
        {
            _context.Time.Advance(LedgerSyncMetrics.StoreCountsMaxAge);
            listener.RecordObservableInstruments();
            await Task.Delay(25);
        }

        Assert.That(values, Is.Not.Empty.And.All.EqualTo(1));
        var warning = logs.WithEventId(LedgerSyncEventId.MetricsStatusReadFailed)[0];
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Exception?.Message, Is.EqualTo("database is locked"));
    }

    [Test]
    public void Dispose_AfterwardsRunsEnd_RecordsNothing()
    {
        var run = _context.StartRun(PartyB);
        _metrics.Dispose();

        run.End(ReconciliationState.DifferencesNotFound);

        Assert.That(_recorded, Is.Empty);
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }

    private List<Recorded.Value> Measurements(string instrument) =>
        [.. _recorded.Where(r => r.Instrument.Name == instrument).Select(r => new Recorded.Value(r.Number, r.Tags))];

    private sealed record Recorded(Instrument Instrument, object Number, Dictionary<string, object?> Tags)
    {
        /// <summary>A measurement compared by value and tags.</summary>
        public sealed record Value(object Number, Dictionary<string, object?> Tags)
        {
            public bool Equals(Value? other) =>
                other is not null && Equals(Number, other.Number) && Tags.Count == other.Tags.Count
                && Tags.All(t => other.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value));

            public override int GetHashCode() => Number.GetHashCode();
        }
    }
}
