using System.Diagnostics;
using System.Diagnostics.Metrics;
using LedgerSync.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Diagnostics;

/// <summary>
/// LedgerSync's metrics on the meter <see cref="LedgerSyncTelemetry.MeterName"/>: observable gauges for the JMX counts
/// and the ledger graph, and counters and histograms fed by the in-flight runs' events (through the registry's telemetry
/// listener). A singleton in DI, created when the host starts; once disposed it records nothing more.
/// </summary>
/// <remarks>
/// The outcome gauges (failed, with and without differences) read the status store, which is asynchronous, so they
/// report the counts as of the latest refresh: one at creation, one after each outgoing run ends, and one whenever a
/// collection finds the counts older than <see cref="StoreCountsMaxAge"/>. They report nothing until the first
/// refresh has completed.
/// </remarks>
public sealed partial class LedgerSyncMetrics : IDisposable
{
    /// <summary>How old the status-store counts may be before a collection starts a refresh: 5 seconds.</summary>
    public static readonly TimeSpan StoreCountsMaxAge = TimeSpan.FromSeconds(5);

    private static readonly double[] DurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
    private static readonly int[] DifferencesBuckets = [0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

    private readonly ReconciliationRunRegistry _registry;
    private readonly ReconciliationMonitor _monitor;
    private readonly ILogger _logger;
    private readonly bool _ownsMeter;
    private readonly KeyValuePair<string, object?>[] _node;
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _differences;
    private readonly Counter<long> _io;
    private readonly Counter<long> _exchanges;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _refreshLock = new();
    private bool _refreshRunning;
    private bool _refreshPending;
    private StoreCounts? _storeCounts;
    private long _refreshSequence;

    /// <summary>Creates the instruments.</summary>
    /// <param name="registry">The in-flight runs the in-progress gauge counts (their events reach the counters and histograms through a <see cref="MetricsTelemetryListener"/>).</param>
    /// <param name="monitor">The query API the gauges read.</param>
    /// <param name="ledgerGraph">The ledger graph whose size and errors are reported.</param>
    /// <param name="logger">Logs failed refreshes of the status-store counts.</param>
    /// <param name="meterFactory">
    /// Creates the meter (the host's, registered by <c>services.AddMetrics()</c>, which the generic host calls). Without
    /// one the meter is created directly; listeners by name (OpenTelemetry, <c>dotnet-counters</c>) see it either way.
    /// </param>
    /// <param name="options">
    /// The node's options: <c>LocalParty</c> becomes the <see cref="LedgerSyncTelemetry.LocalPartyTag"/> of the meter and
    /// of every measurement. Without it (or without a local party) the tag is left out.
    /// </param>
    internal LedgerSyncMetrics(
        ReconciliationRunRegistry registry,
        ReconciliationMonitor monitor,
        ILedgerGraph ledgerGraph,
        ILogger<LedgerSyncMetrics>? logger = null,
        IMeterFactory? meterFactory = null,
        IOptions<LedgerSyncOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(ledgerGraph);
        _registry = registry;
        _monitor = monitor;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        _node = options?.Value.LocalParty is { } localParty
            ? [new(LedgerSyncTelemetry.LocalPartyTag, localParty.ToString())]
            : [];
        var meterOptions = new MeterOptions(LedgerSyncTelemetry.MeterName)
        {
            Version = typeof(LedgerSyncMetrics).Assembly.GetName().Version?.ToString(),
            Tags = _node,
        };
        if (meterFactory is null)
        {
            Meter = new Meter(meterOptions);
            _ownsMeter = true;
        }
        else
        {
            Meter = meterFactory.Create(meterOptions);
        }

        const string Reconciliations = "{reconciliation}";
        Meter.CreateObservableGauge(
            LedgerSyncTelemetry.ScheduledInstrument,
            ObserveScheduled,
            Reconciliations,
            "Outgoing reconciliations queued for a pool slot, waiting for their start time, or backing off before a retry.");
        Meter.CreateObservableGauge(
            LedgerSyncTelemetry.InProgressInstrument,
            ObserveInProgress,
            Reconciliations,
            "Reconciliations executing now, by role.");
        Meter.CreateObservableGauge(
            LedgerSyncTelemetry.FailedInstrument,
            () => ObserveStoreCount(c => c.Failed),
            Reconciliations,
            "Parties whose latest outgoing reconciliation is FAILED.");
        Meter.CreateObservableGauge(
            LedgerSyncTelemetry.WithDifferencesInstrument,
            () => ObserveStoreCount(c => c.WithDifferences),
            Reconciliations,
            "Parties whose latest outgoing reconciliation is DIFFERENCES_FOUND.");
        Meter.CreateObservableGauge(
            LedgerSyncTelemetry.WithoutDifferencesInstrument,
            () => ObserveStoreCount(c => c.WithoutDifferences),
            Reconciliations,
            "Parties whose latest outgoing reconciliation is DIFFERENCES_NOT_FOUND.");
        Meter.CreateObservableGauge(
            LedgerSyncTelemetry.LedgerGraphTransactionsInstrument,
            () => Tagged(ledgerGraph.Count),
            "{transaction}",
            "Transactions in the ledger graph.");
        Meter.CreateObservableGauge(
            LedgerSyncTelemetry.LedgerGraphErrorsInstrument,
            () => Tagged(ledgerGraph.Errors.Count),
            "{error}",
            "Consistency errors of the ledger graph.");

        _runs = Meter.CreateCounter<long>(
            LedgerSyncTelemetry.RunsInstrument, Reconciliations, "Reconciliation runs ended, by outcome and role.");
        _duration = Meter.CreateHistogram(
            LedgerSyncTelemetry.DurationInstrument,
            "s",
            "Duration of reconciliation runs from creation (queued or admitted) to end.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _differences = Meter.CreateHistogram(
            LedgerSyncTelemetry.DifferencesInstrument,
            "{transaction}",
            "Transactions the counterparty has and this node lacks, per successful outgoing reconciliation.",
            tags: null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = DifferencesBuckets });
        _io = Meter.CreateCounter<long>(
            LedgerSyncTelemetry.IoInstrument, "By", "Bytes of reconciliation messages sent (transmit) and received (receive).");
        _exchanges = Meter.CreateCounter<long>(
            LedgerSyncTelemetry.ExchangesInstrument, "{exchange}", "Request/response exchanges completed by reconciliation runs.");

        RequestStoreCountsRefresh(afterWrite: false);
    }

    /// <summary>The meter, named <see cref="LedgerSyncTelemetry.MeterName"/>.</summary>
    public Meter Meter { get; }

    /// <summary>Reads the outcome counts from the status store now, for the gauges.</summary>
    public async Task RefreshStoreCountsAsync(CancellationToken cancellationToken = default)
    {
        var sequence = Interlocked.Increment(ref _refreshSequence);
        var counts = await _monitor.GetCountsAsync(cancellationToken).ConfigureAwait(false);
        var fresh = new StoreCounts(counts, _registry.TimeProvider.GetUtcNow(), sequence);

        // Keep the newest read: a refresh that started earlier but finished later must not overwrite it.
        var current = Volatile.Read(ref _storeCounts);
        while (current is null || current.Sequence < sequence)
        {
            var seen = Interlocked.CompareExchange(ref _storeCounts, fresh, current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Stops recording and disposes the meter if this instance created it.</summary>
    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private static KeyValuePair<string, object?> Role(RunTracker tracker) => new(LedgerSyncTelemetry.RoleTag, tracker.Role.ToTagValue());

    private IEnumerable<Measurement<int>> ObserveInProgress()
    {
        int requester = 0, responder = 0;
        foreach (var run in _registry.Runs)
        {
            if (run.HasEnded || ReconciliationMonitor.IsQueued(run.CurrentWait))
            {
                continue;
            }

            if (run.Role == ReconciliationRole.Requester)
            {
                requester++;
            }
            else
            {
                responder++;
            }
        }

        return
        [
            new(requester, [.. _node, new(LedgerSyncTelemetry.RoleTag, LedgerSyncTelemetry.RequesterRole)]),
            new(responder, [.. _node, new(LedgerSyncTelemetry.RoleTag, LedgerSyncTelemetry.ResponderRole)]),
        ];
    }

    private Measurement<T> Tagged<T>(T value)
        where T : struct => new(value, _node);

    private TagList Tags(KeyValuePair<string, object?> first, KeyValuePair<string, object?>? second = null)
    {
        var tags = new TagList(_node) { first };
        if (second is { } value)
        {
            tags.Add(value);
        }

        return tags;
    }

    private Measurement<int> ObserveScheduled()
    {
        var current = Volatile.Read(ref _storeCounts);
        if (current is null || _registry.TimeProvider.GetUtcNow() - current.At >= StoreCountsMaxAge)
        {
            RequestStoreCountsRefresh(afterWrite: false);
        }

        return Tagged(_monitor.NumberOfScheduledReconciliations);
    }

    private IEnumerable<Measurement<int>> ObserveStoreCount(Func<ReconciliationCounts, int> select)
    {
        var current = Volatile.Read(ref _storeCounts);
        if (current is null || _registry.TimeProvider.GetUtcNow() - current.At >= StoreCountsMaxAge)
        {
            RequestStoreCountsRefresh(afterWrite: false);
        }

        return current is null ? [] : [Tagged(select(current.Counts))];
    }

    /// <summary>Counts an ended run (its <see cref="MetricsTelemetryListener"/> calls it).</summary>
    internal void OnRunEnded(RunTracker tracker, RunEndedArguments ended)
    {
        var (outcome, differences) = (ended.Outcome, ended.Differences);
        if (_disposed.IsCancellationRequested || tracker.FlowName != FlowNames.ReconcileWithParty)
        {
            return; // a recovery: counted by its own instruments
        }

        if (_runs.Enabled || _duration.Enabled)
        {
            var tags = Tags(new(LedgerSyncTelemetry.OutcomeTag, outcome.ToName()), Role(tracker));
            _runs.Add(1, tags);
            _duration.Record((ended.Ended - tracker.Started).TotalSeconds, tags);
        }

        if (tracker.Role == ReconciliationRole.Requester)
        {
            if (outcome.IsSuccess() && _differences.Enabled)
            {
                _differences.Record(differences, Tags(new(LedgerSyncTelemetry.OutcomeTag, outcome.ToName())));
            }

            RequestStoreCountsRefresh(afterWrite: true);
        }
    }

    /// <summary>Counts the bytes of a run's messages (its <see cref="MetricsTelemetryListener"/> calls it).</summary>
    internal void OnBytesTransferred(RunTracker tracker, BytesTransferredArguments transferred)
    {
        if (_disposed.IsCancellationRequested || tracker.FlowName != FlowNames.ReconcileWithParty)
        {
            return; // a recovery: counted by its own instruments
        }

        if (_io.Enabled)
        {
            _io.Add(transferred.Bytes, Tags(new(LedgerSyncTelemetry.NetworkIoDirectionTag, transferred.Sent ? "transmit" : "receive"), Role(tracker)));
        }
    }

    /// <summary>Counts a completed exchange (its <see cref="MetricsTelemetryListener"/> calls it).</summary>
    internal void OnExchangeCompleted(RunTracker tracker)
    {
        if (_disposed.IsCancellationRequested || tracker.FlowName != FlowNames.ReconcileWithParty)
        {
            return; // a recovery: counted by its own instruments
        }

        if (_exchanges.Enabled)
        {
            _exchanges.Add(1, Tags(Role(tracker)));
        }
    }

    /// <summary>Starts a background refresh unless one is running; <paramref name="afterWrite"/> queues one more after it, to see a change made meanwhile.</summary>
    private void RequestStoreCountsRefresh(bool afterWrite)
    {
        lock (_refreshLock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            if (_refreshRunning)
            {
                _refreshPending |= afterWrite;
                return;
            }

            _refreshRunning = true;
        }

        _ = Task.Run(RefreshLoopAsync);
    }

    private async Task RefreshLoopAsync()
    {
        while (true)
        {
            try
            {
                await RefreshStoreCountsAsync(_disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Log.StoreCountsRefreshFailed(_logger, exception);
            }

            lock (_refreshLock)
            {
                if (!_refreshPending || _disposed.IsCancellationRequested)
                {
                    _refreshRunning = false;
                    return;
                }

                _refreshPending = false;
            }
        }
    }

    private sealed record StoreCounts(ReconciliationCounts Counts, DateTimeOffset At, long Sequence);
}
