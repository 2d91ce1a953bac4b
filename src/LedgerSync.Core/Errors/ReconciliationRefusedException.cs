namespace LedgerSync;

/// <summary>The counterparty refused the reconciliation for a reason it stated (for example, its own ledger graph is not ready).</summary>
public sealed class ReconciliationRefusedException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public ReconciliationRefusedException(PartyName party, string reason)
        : base($"{party} refused the reconciliation: {reason}")
    {
        Party = party;
        Reason = reason;
    }

    /// <summary>The counterparty that refused.</summary>
    public PartyName Party { get; }

    /// <summary>The reason it gave.</summary>
    public string Reason { get; }
}
