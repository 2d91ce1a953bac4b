namespace LedgerSync.Recovery;

/// <summary>Where a recovery is in its life. Stored and printed as <see cref="RecoveryStateNames"/> (<c>IN_PROGRESS</c>, ...).</summary>
public enum RecoveryState
{
    /// <summary>Waiting for the recovery worker (also after a restart, until it is resumed).</summary>
    Queued,

    /// <summary>Claimed by a worker, which holds a lease on it while it fetches, verifies and stores.</summary>
    InProgress,

    /// <summary>Every requested ID has an outcome (recovered, rejected or refused).</summary>
    Finished,

    /// <summary>The recovery ended early with an error (<see cref="RecoveryStatus.Error"/>); the IDs without an outcome stay pending.</summary>
    Failed,

    /// <summary>An operator stopped it (the stop flow); the IDs without an outcome stay pending.</summary>
    Stopped,
}
