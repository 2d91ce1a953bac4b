using LedgerSync.Diagnostics;

namespace LedgerSync.Flows;

/// <summary><c>GetReconciliationStatusForPartyFlow</c>: one party's status in one role, or none.</summary>
public sealed class GetReconciliationStatusForPartyFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="status">The status, or <see langword="null"/> when none was recorded.</param>
    public GetReconciliationStatusForPartyFlowResult(ReconciliationStatus? status)
        : base(FlowNames.GetReconciliationStatusForParty)
    {
        Status = status;
    }

    /// <summary>The party's status in the role asked for, or <see langword="null"/> when none was recorded.</summary>
    public ReconciliationStatus? Status { get; }

    /// <inheritdoc />
    public override string FormatValue() => Format(Status);
}
