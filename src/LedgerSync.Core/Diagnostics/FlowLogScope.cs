using Microsoft.Extensions.Logging;

namespace LedgerSync.Diagnostics;

/// <summary>
/// Opens the logging scope that names a flow (and run), so an operator can filter one flow's lines
/// (scope properties <c>FlowName</c>, <c>RunId</c>, <c>Party</c>).
/// </summary>
public static class FlowLogScope
{
    /// <summary>The scope property holding the flow name.</summary>
    public const string FlowNameKey = "FlowName";

    /// <summary>The scope property holding the run ID.</summary>
    public const string RunIdKey = "RunId";

    /// <summary>The scope property holding the counterparty.</summary>
    public const string PartyKey = "Party";

    /// <summary>Begins a scope naming <paramref name="flowName"/> and, if given, the run and counterparty.</summary>
    public static IDisposable? BeginFlowScope(this ILogger logger, string flowName, Guid? runId = null, PartyName? party = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var state = new List<KeyValuePair<string, object?>>(3) { new(FlowNameKey, flowName) };
        if (runId is { } id)
        {
            state.Add(new(RunIdKey, id));
        }

        if (party is not null)
        {
            state.Add(new(PartyKey, party.ToString()));
        }

        return logger.BeginScope(new FlowScopeState(state));
    }

    private sealed class FlowScopeState(List<KeyValuePair<string, object?>> items) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => items.Count;

        public KeyValuePair<string, object?> this[int index] => items[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => items.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(", ", items.Select(i => $"{i.Key}:{i.Value}"));
    }
}
