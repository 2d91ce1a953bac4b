namespace LedgerSync;

/// <summary>
/// The counterparty refused the request because it cannot take it now: its reconciliation pool is full (&quot;too
/// busy&quot;), or (<see cref="IncomingReconciliationInProgressException"/>) it is already answering a run from this node.
/// The scheduler retries with back-off.
/// </summary>
public class MaxIncomingSessionsExceededException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public MaxIncomingSessionsExceededException(PartyName party)
        : base($"{party} is too busy to reconcile now: its pool of parallel reconciliations is full.")
    {
        Party = party;
    }

    /// <summary>Creates the exception with a more specific message (for subclasses).</summary>
    protected MaxIncomingSessionsExceededException(PartyName party, string message)
        : base(message)
    {
        Party = party;
    }

    /// <summary>The busy counterparty.</summary>
    public PartyName Party { get; }

    /// <summary>Always <see langword="true"/>: a full pool empties by itself, so the run is retried with back-off.</summary>
    public override bool IsTransient => true;
}
