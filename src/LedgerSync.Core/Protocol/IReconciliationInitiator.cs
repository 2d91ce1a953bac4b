namespace LedgerSync.Protocol;

/// <summary>Runs the requester side of one reconciliation (implemented by the protocol, used by the scheduler).</summary>
internal interface IReconciliationInitiator
{
    /// <summary>Reconciles with <see cref="ReconciliationRequest.Counterparty"/> and returns what it has that this node lacks.</summary>
    /// <exception cref="MaxIncomingSessionsExceededException">The counterparty is busy; retry later.</exception>
    /// <exception cref="LedgerSyncException">Any other typed failure (refusal, limit, timeout, protocol violation, message size).</exception>
    Task<ReconciliationResult> ReconcileAsync(ReconciliationRequest request, CancellationToken cancellationToken);
}
