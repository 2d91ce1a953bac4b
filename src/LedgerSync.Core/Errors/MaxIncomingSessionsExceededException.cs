namespace LedgerSync;

/// <summary>The counterparty refused the request because its reconciliation pool is full (&quot;too busy&quot;). The scheduler retries with back-off.</summary>
public sealed class MaxIncomingSessionsExceededException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public MaxIncomingSessionsExceededException(PartyName party)
        : base($"{party} is too busy to reconcile now: its pool of parallel reconciliations is full.")
    {
        Party = party;
    }

    /// <summary>The busy counterparty.</summary>
    public PartyName Party { get; }

    /// <summary>Always <see langword="true"/>: a full pool empties by itself, so the run is retried with back-off.</summary>
    public override bool IsTransient => true;
}
