using LedgerSync.Diagnostics;

namespace LedgerSync.Flows;

/// <summary><c>IsReconciliationScheduledForPartyFlow</c>: whether the scheduler knows an outgoing reconciliation with the party.</summary>
public sealed class IsReconciliationScheduledForPartyFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="isScheduled">Whether an outgoing reconciliation is queued, timed, backing off or running.</param>
    public IsReconciliationScheduledForPartyFlowResult(bool isScheduled)
        : base(FlowNames.IsReconciliationScheduledForParty)
    {
        IsScheduled = isScheduled;
    }

    /// <summary>Whether an outgoing reconciliation with the party is queued, timed, backing off or running.</summary>
    public bool IsScheduled { get; }

    /// <inheritdoc />
    public override string FormatValue() => Format(IsScheduled);
}
