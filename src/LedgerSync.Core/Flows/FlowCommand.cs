namespace LedgerSync.Flows;

/// <summary>A flow invocation parsed from the shell syntax: the flow's name and its raw arguments by parameter name.</summary>
/// <param name="FlowName">The flow's name as written, for example <c>ScheduleReconciliationFlow</c>.</param>
/// <param name="Arguments">The arguments; a list argument (<c>["a", "b"]</c>) has several values, a scalar one.</param>
public sealed record FlowCommand(string FlowName, IReadOnlyDictionary<string, IReadOnlyList<string>> Arguments)
{
    /// <summary>
    /// Parses one command in the reference shell's syntax, with or without the leading <c>flow start</c>:
    /// <c>ScheduleReconciliationFlow parties: ["O=PartyB, L=London, C=GB"]</c>,
    /// <c>GetReconciliationStatusesFlow lastReconciliationStatus: DIFFERENCES_FOUND, isRequester: true</c>.
    /// Values are double-quoted strings (<c>\"</c> and <c>\\</c> escape), bare words, or lists in brackets.
    /// </summary>
    /// <exception cref="FlowArgumentException">The text is not in the shell syntax; the message says where.</exception>
    public static FlowCommand Parse(string text) => FlowCommandParser.Parse(text);
}
