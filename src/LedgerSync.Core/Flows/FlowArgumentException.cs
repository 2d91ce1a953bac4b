namespace LedgerSync.Flows;

/// <summary>
/// A flow was started by name with arguments it cannot take: an unknown flow, an unknown, missing, repeated or
/// malformed parameter, or text that is not in the shell syntax. The message names the flow, the parameter and what is accepted.
/// </summary>
public sealed class FlowArgumentException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public FlowArgumentException(string? flowName, string? parameter, IReadOnlyList<string> acceptedValues, string message)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(acceptedValues);
        FlowName = flowName;
        Parameter = parameter;
        AcceptedValues = acceptedValues;
    }

    /// <summary>The flow, when known.</summary>
    public string? FlowName { get; }

    /// <summary>The parameter at fault, when the error concerns one.</summary>
    public string? Parameter { get; }

    /// <summary>What would have been accepted (flow names, parameter names or values).</summary>
    public IReadOnlyList<string> AcceptedValues { get; }
}
