using LedgerSync.Recovery;

namespace LedgerSync.Flows;

/// <summary><c>GetRecoveryStatusForPartyFlow</c>: the party's latest recovery, or none.</summary>
public sealed class GetRecoveryStatusForPartyFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="status">The latest recovery, or <see langword="null"/> when none was ever queued.</param>
    public GetRecoveryStatusForPartyFlowResult(RecoveryStatus? status)
        : base(RecoveryFlowNames.GetRecoveryStatusForParty)
    {
        Status = status;
    }

    /// <summary>The party's latest recovery, or <see langword="null"/> when none was ever queued.</summary>
    public RecoveryStatus? Status { get; }

    /// <inheritdoc />
    public override string FormatValue() => Format(Status);
}
