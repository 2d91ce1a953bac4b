using System.Globalization;
using LedgerSync.Diagnostics;

namespace LedgerSync.Flows;

/// <summary><c>RefreshReconciliationStatusesFlow</c>: how many transaction IDs were dropped from the stored results because the ledger now holds them.</summary>
public sealed class RefreshReconciliationStatusesFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="droppedCount">The number of IDs dropped (0 or more).</param>
    public RefreshReconciliationStatusesFlowResult(int droppedCount)
        : base(FlowNames.RefreshReconciliationStatuses)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(droppedCount);
        DroppedCount = droppedCount;
    }

    /// <summary>The number of transaction IDs dropped from the stored results.</summary>
    public int DroppedCount { get; }

    /// <inheritdoc />
    public override string FormatValue() => DroppedCount.ToString(CultureInfo.InvariantCulture);
}
