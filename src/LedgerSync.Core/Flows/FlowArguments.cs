using System.Globalization;

namespace LedgerSync.Flows;

/// <summary>Converts one flow command's string arguments to typed values, with errors that name the flow, the parameter and what is accepted.</summary>
internal sealed class FlowArguments(string flowName, IReadOnlyDictionary<string, IReadOnlyList<string>> arguments)
{
    private static readonly string[] Booleans = ["true", "false"];
    private static readonly string[] PartyFormat = ["an X.500 name in double quotes, for example \"O=PartyA, L=London, C=GB\""];
    private static readonly string[] TimeFormat = ["an ISO-8601 date and time with offset, for example 2026-03-01T02:00:00Z"];
    private static readonly string[] TransactionIdFormat = ["a list of transaction IDs of 64 hex digits, for example [\"3A9F...\"]"];
    private static readonly string[] DurationFormat = ["a duration such as 1H, 30M, 5H3M2S or 1H 30M"];

    public void Allow(params string[] parameters)
    {
        foreach (var key in arguments.Keys)
        {
            if (!parameters.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new FlowArgumentException(
                    flowName,
                    key,
                    parameters,
                    parameters.Length == 0
                        ? $"{flowName} takes no parameters; got '{key}'."
                        : $"{flowName} has no parameter '{key}'; its parameters are {string.Join(", ", parameters)}.");
            }
        }
    }

    public IReadOnlyList<PartyName> Parties(string name)
    {
        var values = Required(name, PartyFormat);
        if (values.Count == 0)
        {
            throw new FlowArgumentException(flowName, name, PartyFormat, $"{flowName}: parameter '{name}' needs at least one party, for example {name}: [\"O=PartyB, L=London, C=GB\"].");
        }

        // Every entry is checked, so one error names all the bad ones (position, the entry quoted, why), not just the first.
        var parties = new List<PartyName>(values.Count);
        var problems = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (PartyName.TryParse(values[i], out var party, out var error))
            {
                parties.Add(party);
            }
            else
            {
                problems.Add($"entry {i + 1}: {error.TrimEnd('.')}");
            }
        }

        if (problems.Count > 0)
        {
            var summary = problems.Count == 1 ? "1 bad entry" : $"{problems.Count} bad entries";
            throw new FlowArgumentException(
                flowName,
                name,
                PartyFormat,
                $"{flowName}: parameter '{name}' has {summary} of {values.Count} (the list is rejected as a whole): {string.Join("; ", problems)}.");
        }

        return parties;
    }

    public IReadOnlyList<TransactionId>? OptionalTransactionIds(string name)
    {
        if (!arguments.TryGetValue(name, out var values))
        {
            return null;
        }

        var ids = new List<TransactionId>(values.Count);
        var problems = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (TransactionId.TryParse(values[i].Trim(), out var id))
            {
                ids.Add(id);
            }
            else
            {
                problems.Add($"entry {i + 1} '{(values[i].Length > 80 ? values[i][..80] + "..." : values[i])}' is not 64 hex digits");
            }
        }

        if (values.Count == 0 || problems.Count > 0)
        {
            throw new FlowArgumentException(
                flowName,
                name,
                TransactionIdFormat,
                values.Count == 0
                    ? $"{flowName}: parameter '{name}' needs at least one transaction ID ({TransactionIdFormat[0]}), or leave it out."
                    : $"{flowName}: parameter '{name}' has {problems.Count} bad entr{(problems.Count == 1 ? "y" : "ies")} of {values.Count} (the list is rejected as a whole): {string.Join("; ", problems.Take(10))}{(problems.Count > 10 ? "; ..." : "")}.");
        }

        return ids;
    }

    public string RequiredText(string name, string description) => Single(name, Required(name, [description]), [description]);

    public string? OptionalText(string name, string description) =>
        arguments.TryGetValue(name, out var values) ? Single(name, values, [description]) : null;

    public PartyName Party(string name) => ToParty(name, Single(name, Required(name, PartyFormat), PartyFormat));

    public PartyName? OptionalParty(string name) =>
        arguments.TryGetValue(name, out var values) ? ToParty(name, Single(name, values, PartyFormat)) : null;

    public bool Boolean(string name)
    {
        var value = Single(name, Required(name, Booleans), Booleans);
        return value.ToUpperInvariant() switch
        {
            "TRUE" => true,
            "FALSE" => false,
            _ => throw new FlowArgumentException(flowName, name, Booleans, $"{flowName}: parameter '{name}' must be true or false; got '{value}'."),
        };
    }

    public ReconciliationState? OptionalState(string name)
    {
        if (!arguments.TryGetValue(name, out var values))
        {
            return null;
        }

        var accepted = ReconciliationStateNames.All;
        var value = Single(name, values, accepted);
        return ReconciliationStateNames.TryParse(value.ToUpperInvariant(), out var state)
            ? state
            : throw new FlowArgumentException(flowName, name, accepted, $"{flowName}: parameter '{name}' must be one of {string.Join(", ", accepted)}; got '{value}'.");
    }

    public DateTimeOffset? OptionalTime(string name)
    {
        if (!arguments.TryGetValue(name, out var values))
        {
            return null;
        }

        var value = Single(name, values, TimeFormat);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new FlowArgumentException(flowName, name, TimeFormat, $"{flowName}: parameter '{name}' must be {TimeFormat[0]}; got '{value}'.");
    }

    public TimeSpan? OptionalDuration(string name)
    {
        if (!arguments.TryGetValue(name, out var values))
        {
            return null;
        }

        var value = Single(name, values, DurationFormat);
        return ShellDuration.TryParse(value, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw new FlowArgumentException(flowName, name, DurationFormat, $"{flowName}: parameter '{name}' must be a positive {DurationFormat[0]}; got '{value}'.");
    }

    private IReadOnlyList<string> Required(string name, IReadOnlyList<string> accepted) =>
        arguments.TryGetValue(name, out var values)
            ? values
            : throw new FlowArgumentException(flowName, name, accepted, $"{flowName}: parameter '{name}' is required ({string.Join(" or ", accepted)}).");

    private string Single(string name, IReadOnlyList<string> values, IReadOnlyList<string> accepted) =>
        values.Count == 1
            ? values[0]
            : throw new FlowArgumentException(flowName, name, accepted, $"{flowName}: parameter '{name}' takes one value ({string.Join(" or ", accepted)}), not a list.");

    private PartyName ToParty(string name, string value) =>
        PartyName.TryParse(value, out var party, out var error)
            ? party
            : throw new FlowArgumentException(flowName, name, PartyFormat, $"{flowName}: parameter '{name}': {error}");
}
