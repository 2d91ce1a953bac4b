namespace LedgerSync.Recovery;

/// <summary>A recovery from the party is already queued or in progress; stop it first or wait for it to end.</summary>
public sealed class RecoveryAlreadyInProgressException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public RecoveryAlreadyInProgressException(PartyName party, Guid? recoveryId, string message)
        : base(message)
    {
        Party = party;
        RecoveryId = recoveryId;
    }

    /// <summary>The party a recovery could not be queued for.</summary>
    public PartyName Party { get; }

    /// <summary>The recovery already queued or in progress, when known.</summary>
    public Guid? RecoveryId { get; }
}
