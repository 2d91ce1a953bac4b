namespace LedgerSync.Recovery;

/// <summary>What became of one requested transaction in a recovery.</summary>
public enum RecoveryItemOutcome
{
    /// <summary>No outcome yet: it is fetched (again) when the recovery runs or resumes.</summary>
    Pending,

    /// <summary>Fetched, verified and accepted by the sink (or already held by this node).</summary>
    Recovered,

    /// <summary>Fetched but not stored: it failed verification or the sink rejected it (<see cref="RecoveryItem.Reason"/> says which).</summary>
    Rejected,

    /// <summary>The counterparty did not serve it (not in this node's relevant set there, not held there, or too large to serve).</summary>
    Refused,
}
