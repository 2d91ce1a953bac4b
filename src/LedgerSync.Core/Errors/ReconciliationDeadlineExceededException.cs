namespace LedgerSync;

/// <summary>
/// A reconciliation did not finish within <see cref="LedgerSyncOptions.MaxReconciliationDuration"/>: it was ended as
/// <c>FAILED</c> (on either side) so that a slow or trickling peer cannot hold a pool slot indefinitely.
/// </summary>
public sealed class ReconciliationDeadlineExceededException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public ReconciliationDeadlineExceededException(PartyName party, TimeSpan limit)
        : base($"The reconciliation with {party} did not finish within {LedgerSyncDuration.Format(limit)} (maxReconciliationDuration); it was ended.")
    {
        Party = party;
        Limit = limit;
    }

    /// <summary>The counterparty.</summary>
    public PartyName Party { get; }

    /// <summary>The configured <see cref="LedgerSyncOptions.MaxReconciliationDuration"/>.</summary>
    public TimeSpan Limit { get; }
}
