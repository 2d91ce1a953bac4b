namespace LedgerSync;

/// <summary>An outgoing reconciliation with the party is already queued or running, or the party is reconciling with this node in the other direction.</summary>
public sealed class ReconciliationAlreadyScheduledException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public ReconciliationAlreadyScheduledException(PartyName party, string message)
        : base(message)
    {
        Party = party;
    }

    /// <summary>The party a reconciliation could not be scheduled with.</summary>
    public PartyName Party { get; }
}
