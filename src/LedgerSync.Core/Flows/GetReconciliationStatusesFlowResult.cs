using LedgerSync.Diagnostics;

namespace LedgerSync.Flows;

/// <summary><c>GetReconciliationStatusesFlow</c>: the statuses that matched, printed as a bracketed list of indented statuses.</summary>
public sealed class GetReconciliationStatusesFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="statuses">The statuses that matched the query, possibly none.</param>
    public GetReconciliationStatusesFlowResult(IReadOnlyList<ReconciliationStatus> statuses)
        : base(FlowNames.GetReconciliationStatuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        Statuses = statuses;
    }

    /// <summary>The statuses that matched the query, possibly none.</summary>
    public IReadOnlyList<ReconciliationStatus> Statuses { get; }

    /// <inheritdoc />
    public override string FormatValue() => "[" + string.Join(", ", Statuses.Select(s => s.ToIndentedString())) + "]";
}
