namespace LedgerSync.Recovery;

/// <summary>What the verifying path did with one payload.</summary>
internal enum RecoveryVerificationKind
{
    /// <summary>Verified and accepted by the sink (and recorded in the ledger graph).</summary>
    Recovered,

    /// <summary>Not stored: verification failed or the sink rejected it.</summary>
    Rejected,

    /// <summary>
    /// Not stored yet: it names neither this node nor the counterparty and no transaction this node holds depends on it
    /// (yet). A back-chain transaction fetched before the transaction that depends on it; ask again after the others.
    /// </summary>
    Deferred,
}

/// <summary>The outcome of the verifying path for one payload.</summary>
/// <param name="Kind">Recovered, rejected or deferred.</param>
/// <param name="Reason">Why it was rejected or deferred; never payload bytes or exception text.</param>
internal readonly record struct RecoveryVerification(RecoveryVerificationKind Kind, string? Reason)
{
    public static RecoveryVerification Recovered { get; } = new(RecoveryVerificationKind.Recovered, null);

    public static RecoveryVerification Rejected(string reason) => new(RecoveryVerificationKind.Rejected, reason);

    public static RecoveryVerification Deferred(string reason) => new(RecoveryVerificationKind.Deferred, reason);
}
