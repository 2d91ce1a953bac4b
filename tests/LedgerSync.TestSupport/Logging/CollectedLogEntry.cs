using Microsoft.Extensions.Logging;

namespace LedgerSync.Testing.Logging;

/// <summary>One log line captured by <see cref="CollectingLoggerProvider"/>.</summary>
/// <param name="Category">The logger category.</param>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event ID.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception, if any.</param>
/// <param name="State">The structured state (for <c>[LoggerMessage]</c> methods: the named template values plus <c>{OriginalFormat}</c>).</param>
/// <param name="Scopes">The scopes open when the line was written, outermost first.</param>
public sealed record CollectedLogEntry(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    Exception? Exception,
    IReadOnlyList<KeyValuePair<string, object?>> State,
    IReadOnlyList<object?> Scopes)
{
    /// <summary>The value of a named template argument, or <see langword="null"/>.</summary>
    public object? GetStateValue(string key) => State.FirstOrDefault(kv => kv.Key == key).Value;

    /// <summary>The properties of every structured scope, inner scopes overriding outer ones.</summary>
    public IReadOnlyDictionary<string, object?> ScopeValues
    {
        get
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var scope in Scopes)
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        values[key] = value;
                    }
                }
            }

            return values;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}";
}
