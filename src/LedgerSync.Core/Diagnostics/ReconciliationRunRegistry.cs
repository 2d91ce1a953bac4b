using System.Collections.Concurrent;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The in-flight runs of this node (queued, backing off, or running; both roles). Runs are added by the scheduler
/// and removed when they end. Observers (metrics, logs) subscribe to the events.
/// </summary>
public sealed class ReconciliationRunRegistry
{
    private readonly ConcurrentDictionary<Guid, RunTracker> _runs = new();

    /// <summary>Creates a registry that reads time from <paramref name="timeProvider"/>.</summary>
    public ReconciliationRunRegistry(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
    }

    /// <summary>Raised when a run is added.</summary>
    public event Action<RunTracker>? RunStarted;

    /// <summary>Raised once when a run ends: the tracker, its final state, the differences found and the error text.</summary>
    public event Action<RunTracker, ReconciliationState, int, string?>? RunEnded;

    /// <summary>Raised when a run sends (<c>true</c>) or receives (<c>false</c>) bytes.</summary>
    public event Action<RunTracker, long, bool>? BytesTransferred;

    /// <summary>Raised when a run completes an exchange.</summary>
    public event Action<RunTracker>? ExchangeCompleted;

    /// <summary>Raised when a run starts or stops waiting: the tracker, the new reason (<see cref="RunWaitReason.None"/> when it resumes work) and since when.</summary>
    public event Action<RunTracker, RunWaitReason, DateTimeOffset>? WaitChanged;

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
        RunStarted?.Invoke(tracker);
        return tracker;
    }

    /// <summary>Finds an in-flight run by ID.</summary>
    public bool TryGet(Guid runId, out RunTracker? tracker) => _runs.TryGetValue(runId, out tracker);

    /// <summary>The trackers of all in-flight runs.</summary>
    public IReadOnlyList<RunTracker> Runs => [.. _runs.Values];

    /// <summary>Point-in-time copies of all in-flight runs, oldest first.</summary>
    public IReadOnlyList<RunSnapshot> Snapshot() => [.. _runs.Values.Select(r => r.Snapshot()).OrderBy(s => s.Started)];

    internal void OnBytes(RunTracker tracker, long bytes, bool sent) => BytesTransferred?.Invoke(tracker, bytes, sent);

    internal void OnExchange(RunTracker tracker) => ExchangeCompleted?.Invoke(tracker);

    internal void OnWaitChanged(RunTracker tracker, RunWaitReason reason, DateTimeOffset since) => WaitChanged?.Invoke(tracker, reason, since);

    internal void OnEnded(RunTracker tracker, ReconciliationState outcome, int differences, string? error)
    {
        _runs.TryRemove(tracker.RunId, out _);
        RunEnded?.Invoke(tracker, outcome, differences, error);
    }
}
