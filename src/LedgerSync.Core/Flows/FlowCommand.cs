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

    /// <summary>
    /// Builds a command from a flow name and string arguments by parameter name, as an RPC layer receives them. A value
    /// that starts with <c>[</c> is a list in the shell syntax (for example <c>["O=PartyB, L=London, C=GB"]</c>); any
    /// other value is taken as it is, without quotes or escapes.
    /// </summary>
    /// <exception cref="FlowArgumentException">A list value is not in the shell syntax; the message says where.</exception>
    public static FlowCommand Parse(string flowName, IReadOnlyDictionary<string, string> arguments)
    {
        ArgumentNullException.ThrowIfNull(flowName);
        ArgumentNullException.ThrowIfNull(arguments);
        var parsed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in arguments)
        {
            ArgumentNullException.ThrowIfNull(value, $"{nameof(arguments)}[{key}]");
            if (!value.TrimStart().StartsWith('['))
            {
                parsed[key] = [value];
                continue;
            }

            var list = FlowCommandParser.Parse($"{flowName} {key}: {value}").Arguments;
            parsed[key] = list.Count == 1 && list.TryGetValue(key, out var values)
                ? values
                : throw new FlowArgumentException(flowName, key, [], $"{flowName}: parameter '{key}' must be one list in brackets; got '{value}'.");
        }

        return new FlowCommand(flowName, parsed);
    }
}
