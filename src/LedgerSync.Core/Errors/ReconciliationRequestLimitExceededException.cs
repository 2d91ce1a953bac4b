namespace LedgerSync;

/// <summary>The responder refused because the requester has used up its requests for the sliding time window (&lt;c&gt;maxAllowedReconciliationRequestsPerTimeWindow&lt;/c&gt; per &lt;c&gt;timeWindowForReconciliationRequestLimit&lt;/c&gt;).</summary>
public sealed class ReconciliationRequestLimitExceededException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public ReconciliationRequestLimitExceededException(PartyName party, int limit, TimeSpan window)
        : base($"{party} refused the reconciliation: at most {limit} requests are answered per party every {window}; try again later.")
    {
        Party = party;
        Limit = limit;
        Window = window;
    }

    /// <summary>The responder that refused.</summary>
    public PartyName Party { get; }

    /// <summary>The number of requests allowed per window.</summary>
    public int Limit { get; }

    /// <summary>The sliding window.</summary>
    public TimeSpan Window { get; }
}
