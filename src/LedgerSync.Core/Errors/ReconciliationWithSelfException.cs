namespace LedgerSync;

/// <summary>A node cannot reconcile with itself.</summary>
public sealed class ReconciliationWithSelfException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public ReconciliationWithSelfException(PartyName party)
        : base($"{party} is this node's own identity; a node cannot reconcile with itself.")
    {
        Party = party;
    }

    /// <summary>The party that was asked for (this node).</summary>
    public PartyName Party { get; }
}
