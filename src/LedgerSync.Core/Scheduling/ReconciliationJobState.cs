namespace LedgerSync.Scheduling;

/// <summary>Where a persisted job is in its life.</summary>
public enum ReconciliationJobState
{
    /// <summary>Waiting for its due time and a pool slot (also while backing off from a busy peer).</summary>
    Queued,

    /// <summary>Claimed by a scheduler instance, which holds a lease on it and renews it while the run lasts.</summary>
    Running,
}
