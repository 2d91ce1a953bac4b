namespace LedgerSync.Recovery;

/// <summary>
/// A recovery was asked for without transaction IDs, and there is nothing to recover: no successful reconciliation with
/// the party is stored, or its result is empty, or every transaction in it is already held. Reconcile with the party
/// first, or name the IDs.
/// </summary>
public sealed class NothingToRecoverException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public NothingToRecoverException(PartyName party, string message)
        : base(message)
    {
        Party = party;
    }

    /// <summary>The party there is nothing to recover from.</summary>
    public PartyName Party { get; }
}
