namespace LedgerSync;

/// <summary>The counterparty refused the request because its reconciliation pool is full (&quot;too busy&quot;). The scheduler retries with back-off.</summary>
public sealed class MaxIncomingSessionsExceededException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public MaxIncomingSessionsExceededException(PartyName party)
        : base($"{party} is too busy to reconcile now: its pool of parallel reconciliations is full. The request will be retried with back-off.")
    {
        Party = party;
    }

    /// <summary>The busy counterparty.</summary>
    public PartyName Party { get; }
}
