using LedgerSync.Diagnostics;

namespace LedgerSync.Flows;

/// <summary><c>StopReconciliationForPartyFlow</c>: whether anything (queued or running work in either role, or a recovery) was stopped.</summary>
public sealed class StopReconciliationForPartyFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="stopped">Whether anything was stopped.</param>
    public StopReconciliationForPartyFlowResult(bool stopped)
        : base(FlowNames.StopReconciliationForParty)
    {
        Stopped = stopped;
    }

    /// <summary>Whether anything was stopped.</summary>
    public bool Stopped { get; }

    /// <inheritdoc />
    public override string FormatValue() => Format(Stopped);
}
