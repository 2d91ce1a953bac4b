namespace LedgerSync;

/// <summary>
/// The counterparty refused the request because it is already answering a reconciliation from this node (one incoming
/// run per party at a time, so one party cannot take several of its pool slots). A kind of "busy": the scheduler
/// retries with back-off, and the retry succeeds once the earlier run has ended.
/// </summary>
public sealed class IncomingReconciliationInProgressException : MaxIncomingSessionsExceededException
{
    /// <summary>Creates the exception.</summary>
    public IncomingReconciliationInProgressException(PartyName party)
        : base(party, $"{party} is already answering a reconciliation from this node; it answers one at a time per party. The request will be retried with back-off.")
    {
    }
}
