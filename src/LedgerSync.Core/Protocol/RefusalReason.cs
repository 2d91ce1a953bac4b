namespace LedgerSync.Protocol;

/// <summary>Why a responder refused a hello.</summary>
internal enum RefusalReason : byte
{
    /// <summary>Its pool of parallel reconciliations is full.</summary>
    Busy = 1,

    /// <summary>The requester used up its requests for the sliding window.</summary>
    RateLimited = 2,

    /// <summary>Its ledger graph is not initialized or not self-consistent.</summary>
    NotReady = 3,

    /// <summary>It does not speak the requested protocol version.</summary>
    UnsupportedVersion = 4,

    /// <summary>Version 2 only: the hello claimed an identity other than the one the transport authenticated (version 3 hellos carry no identity, so it is no longer sent).</summary>
    IdentityMismatch = 5,

    /// <summary>It is already answering a run from this requester (one incoming run per party at a time).</summary>
    AlreadyResponding = 6,
}
