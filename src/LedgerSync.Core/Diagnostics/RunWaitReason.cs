namespace LedgerSync.Diagnostics;

/// <summary>What an in-flight run is waiting on.</summary>
public enum RunWaitReason
{
    /// <summary>Not waiting: working.</summary>
    None,

    /// <summary>Queued for a slot in the execution pool.</summary>
    PoolSlot,

    /// <summary>Waiting for a message from the counterparty.</summary>
    PeerMessage,

    /// <summary>Backing off before retrying a busy counterparty.</summary>
    RetryBackoff,

    /// <summary>Waiting for its scheduled start time.</summary>
    ScheduledTime,

    /// <summary>Connecting to the counterparty (the transport has not opened the session yet).</summary>
    Connecting,
}
