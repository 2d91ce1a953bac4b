using LedgerSync.Diagnostics;

namespace LedgerSync.Flows;

/// <summary><c>IsRespondingToReconciliationForPartyFlow</c>: whether an incoming reconciliation from the party is in progress.</summary>
public sealed class IsRespondingToReconciliationForPartyFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="isResponding">Whether an incoming reconciliation from the party is in progress.</param>
    public IsRespondingToReconciliationForPartyFlowResult(bool isResponding)
        : base(FlowNames.IsRespondingToReconciliationForParty)
    {
        IsResponding = isResponding;
    }

    /// <summary>Whether an incoming reconciliation from the party is in progress.</summary>
    public bool IsResponding { get; }

    /// <inheritdoc />
    public override string FormatValue() => Format(IsResponding);
}
