using System.Collections.Concurrent;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The in-flight runs of this node (queued, backing off, or running; both roles). Runs are added by the scheduler
/// and removed when they end. Their events go to one internal <see cref="RunTelemetryListener"/>, given at construction
/// (in a host, the composite of the run spans, the metrics and the recovery worker).
/// </summary>
internal sealed class ReconciliationRunRegistry
{
    private readonly ConcurrentDictionary<Guid, RunTracker> _runs = new();

    /// <summary>Creates a registry that reads time from <paramref name="timeProvider"/>; its runs report to their spans only.</summary>
    internal ReconciliationRunRegistry(TimeProvider timeProvider)
        : this(timeProvider, CompositeRunTelemetryListener.TracingOnly())
    {
    }

    /// <summary>Creates a registry that reads time from <paramref name="timeProvider"/> and reports its runs' events to <paramref name="telemetry"/>.</summary>
    internal ReconciliationRunRegistry(TimeProvider timeProvider, RunTelemetryListener telemetry)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(telemetry);
        TimeProvider = timeProvider;
        Telemetry = telemetry;
    }

    /// <summary>The one listener the runs' events go to.</summary>
    internal RunTelemetryListener Telemetry { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>The number of in-flight runs.</summary>
    public int Count => _runs.Count;

    /// <summary>Adds a run and returns its tracker.</summary>
    public RunTracker Start(Guid runId, string flowName, PartyName party, ReconciliationRole role)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowName);
        ArgumentNullException.ThrowIfNull(party);
        var tracker = new RunTracker(this, runId, flowName, party, role, TimeProvider.GetUtcNow());
        if (!_runs.TryAdd(runId, tracker))
        {
            throw new InvalidOperationException($"Run {runId} is already registered.");
        }

        tracker.Stage(role == ReconciliationRole.Requester ? "created" : "admitted");
        Write(tracker, new RunStartedArguments(tracker.Started));
        return tracker;
    }

    /// <summary>Finds an in-flight run by ID.</summary>
    public bool TryGet(Guid runId, out RunTracker? tracker) => _runs.TryGetValue(runId, out tracker);

    /// <summary>The trackers of all in-flight runs.</summary>
    public IReadOnlyList<RunTracker> Runs => [.. _runs.Values];

    /// <summary>Point-in-time copies of all in-flight runs, oldest first.</summary>
    public IReadOnlyList<RunSnapshot> Snapshot() => [.. _runs.Values.Select(r => r.Snapshot()).OrderBy(s => s.Started)];

    /// <summary>Reports an event of <paramref name="tracker"/> to the registry's listener.</summary>
    internal void Write<TArgs>(RunTracker tracker, TArgs arguments)
        where TArgs : struct => Telemetry.Write(new RunTelemetryEvent<TArgs>(tracker, arguments));

    /// <summary>Removes an ended run and reports its end.</summary>
    internal void OnEnded(RunTracker tracker, RunEndedArguments ended)
    {
        _runs.TryRemove(tracker.RunId, out _);
        Write(tracker, ended);
    }
}
