namespace LedgerSync.Flows;

/// <summary>
/// What a flow started by name (<see cref="ReconciliationFlows.StartFlowAsync(FlowCommand, CancellationToken)"/>)
/// returned: one sealed subclass per flow, each carrying the typed value of the flow's typed method, for example
/// <see cref="GetReconciliationStatusForPartyFlowResult.Status"/>. Match on the subclass to read the value;
/// <see cref="ToString"/> gives the line the reference shell prints (<c>Flow completed with result: ...</c>).
/// </summary>
/// <remarks>The set of subclasses is closed: only LedgerSync creates flow results, so a switch over them can be exhaustive for the flows in <see cref="ReconciliationFlows.FlowNamesList"/>.</remarks>
public abstract class FlowResult
{
    /// <summary>The text the reference shell prints before a flow's value.</summary>
    public const string ShellPrefix = "Flow completed with result: ";

    private protected FlowResult(string flowName) => FlowName = flowName;

    /// <summary>The flow that produced this result, as listed in <see cref="ReconciliationFlows.FlowNamesList"/>, for example <c>GetReconciliationStatusForPartyFlow</c>.</summary>
    public string FlowName { get; }

    /// <summary>The value as the reference shell prints it: <c>null</c>, <c>true</c>/<c>false</c>, a number, a status in its indented layout, or a list of them in brackets.</summary>
    public abstract string FormatValue();

    /// <summary>The line the reference shell prints for this result: <see cref="ShellPrefix"/> followed by <see cref="FormatValue"/>.</summary>
    public sealed override string ToString() => ShellPrefix + FormatValue();

    private protected static string Format(bool value) => value ? "true" : "false";

    private protected static string Format(ReconciliationStatus? status) => status is null ? "null" : status.ToIndentedString();

    private protected static string Format(object? value) => value?.ToString() ?? "null";
}
