namespace LedgerSync.Status;

/// <summary>How one reconciliation run ended, as <see cref="ReconciliationStatusRecorder.RecordFinishedAsync"/> records it.</summary>
/// <param name="Party">The counterparty.</param>
/// <param name="IsRequester">The role: <see langword="true"/> when this node requested the reconciliation.</param>
/// <param name="RunId">The run.</param>
/// <param name="State">The end state: <c>DIFFERENCES_FOUND</c>, <c>DIFFERENCES_NOT_FOUND</c>, <c>FAILED</c> or <c>STOPPED</c>.</param>
/// <param name="FinishedAt">When the run ended.</param>
/// <param name="Result">On success, the IDs the counterparty has and this node lacks (ignored otherwise).</param>
/// <param name="Error">For <c>FAILED</c>, the operator-readable reason (required then; ignored otherwise).</param>
internal sealed record ReconciliationRunEnd(
    PartyName Party,
    bool IsRequester,
    Guid RunId,
    ReconciliationState State,
    DateTimeOffset FinishedAt,
    IReadOnlyCollection<TransactionId>? Result = null,
    string? Error = null);
