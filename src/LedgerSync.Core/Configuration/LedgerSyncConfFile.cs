using System.Text;
using Microsoft.Extensions.Options;

namespace LedgerSync;

/// <summary>
/// Reads the reference product's node-style configuration file: one <c>key = value</c> per line, <c>#</c> comments
/// (whole lines, or after a value), blank lines ignored, values optionally in double quotes.
/// </summary>
/// <example>
/// <code>
/// # ledger-sync.conf
/// maxNumberOfIbfFilterFlows = 5
/// maxReconciliationRetryAttemptTimeout = 1h
/// localParty = "O=PartyA, L=London, C=GB"
/// </code>
/// </example>
/// <remarks>
/// Keys are those of <see cref="LedgerSyncOptions"/> spelled as the reference product spells them (case is ignored).
/// The reader checks the whole file and reports every problem at once, in one
/// <see cref="LedgerSyncConfigurationException"/> whose <see cref="LedgerSyncConfigurationException.Errors"/> name each
/// line: an unknown key, a line that is not <c>key = value</c>, a key given twice, and every value that does not parse
/// or is out of range (as the options validators would report it at start-up). Use it through <c>IConfigurationBuilder.AddLedgerSyncConfFile(path)</c>, which maps the
/// keys into the <c>LedgerSync</c> section.
/// </remarks>
public static class LedgerSyncConfFile
{
    /// <summary>Reads a <c>.conf</c> file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The values by key, keys spelled as the reference product spells them.</returns>
    /// <exception cref="LedgerSyncConfigurationException">Lines are malformed, name unknown keys, repeat keys or hold bad values (all of them reported).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    /// <summary>Reads <c>.conf</c> content.</summary>
    /// <param name="reader">The content.</param>
    /// <param name="sourceName">What to call the content in error messages, for example its file name.</param>
    /// <returns>The values by key, keys spelled as the reference product spells them.</returns>
    /// <exception cref="LedgerSyncConfigurationException">Lines are malformed, name unknown keys, repeat keys or hold bad values (all of them reported).</exception>
    public static IReadOnlyDictionary<string, string> Parse(TextReader reader, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var source = string.IsNullOrEmpty(sourceName) ? "configuration" : sourceName;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = new List<LedgerSyncConfigurationError>();
        var bound = new LedgerSyncOptions();
        var unbound = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;

        void Fail(string problem, string? key = null) =>
            errors.Add(new LedgerSyncConfigurationError($"{source}, line {lineNumber}: {problem}", key, lineNumber));

        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var content = line.Trim();
            if (content.Length == 0 || content[0] == '#')
            {
                continue;
            }

            var equals = content.IndexOf('=', StringComparison.Ordinal);
            var keyText = equals <= 0 ? string.Empty : content[..equals].Trim();
            if (equals <= 0 || (!LedgerSyncOptionKeys.TryGet(keyText, out _) && keyText.Any(c => !char.IsAsciiLetterOrDigit(c))))
            {
                Fail($"'{Shorten(content)}' is not of the form 'key = value'.");
                continue;
            }

            if (!LedgerSyncOptionKeys.TryGet(keyText, out var key))
            {
                Fail($"unknown key '{keyText}'; known keys: {string.Join(", ", LedgerSyncOptionKeys.All.Select(k => k.Name))}.", keyText);
                continue;
            }

            if (!TryReadValue(content[(equals + 1)..], out var value, out var problem))
            {
                Fail($"the value of '{key.Name}' {problem}.", key.Name);
                continue;
            }

            if (lines.TryGetValue(key.Name, out var firstLine))
            {
                Fail($"'{key.Name}' is already set on line {firstLine}.", key.Name);
                continue;
            }

            lines[key.Name] = lineNumber;
            values[key.Name] = value;
            if (key.Bind(bound, value) is { } bindProblem)
            {
                Fail($"{key.Name} = '{value}' {bindProblem}; accepted: {key.Accepted}.", key.Name);
                unbound.Add(key.Name);
            }
        }

        // Every value that parsed is checked as the options validators will check it at start-up (ranges, and rules
        // between keys when the file sets every key involved), so one read reports every bad value with its line.
        foreach (var failure in ValueFailures(bound))
        {
            var keys = KeysNamedIn(failure);
            if (keys.Count > 0 && keys.All(lines.ContainsKey) && !keys.Any(unbound.Contains))
            {
                var at = lines[keys[0]];
                errors.Add(new LedgerSyncConfigurationError($"{source}, line {at}: {failure}", keys[0], at));
            }
        }

        if (errors.Count > 0)
        {
            throw new LedgerSyncConfigurationException([.. errors.OrderBy(e => e.LineNumber)], source);
        }

        return values;
    }

    private static IEnumerable<string> ValueFailures(LedgerSyncOptions options)
    {
        foreach (var validator in (IValidateOptions<LedgerSyncOptions>[])[new LedgerSyncOptionsValidator()])
        {
            if (validator.Validate(Options.DefaultName, options) is { Failed: true, Failures: { } failures })
            {
                foreach (var failure in failures)
                {
                    yield return failure;
                }
            }
        }
    }

    // The keys a validator message names as "key = value", in order (for example "retryMaxDelay = 1S is less than retryInitialDelay = 2S").
    private static List<string> KeysNamedIn(string failure)
    {
        var keys = new List<string>();
        foreach (var key in LedgerSyncOptionKeys.All)
        {
            var at = failure.IndexOf(key.Name + " = ", StringComparison.Ordinal);
            if (at >= 0 && (at == 0 || !char.IsAsciiLetterOrDigit(failure[at - 1])))
            {
                keys.Add(key.Name);
            }
        }

        return [.. keys.OrderBy(k => failure.IndexOf(k + " = ", StringComparison.Ordinal))];
    }

    // A value is the rest of the line: trimmed, cut at a '#' comment, or a double-quoted string (no escapes).
    private static bool TryReadValue(string text, out string value, out string? problem)
    {
        text = text.Trim();
        if (text.StartsWith('"'))
        {
            var close = text.IndexOf('"', 1);
            if (close < 0)
            {
                (value, problem) = (string.Empty, "has no closing quote");
                return false;
            }

            var rest = text[(close + 1)..].TrimStart();
            if (rest.Length > 0 && rest[0] != '#')
            {
                (value, problem) = (string.Empty, $"has '{Shorten(rest)}' after the closing quote");
                return false;
            }

            (value, problem) = (text[1..close], null);
            return true;
        }

        var comment = text.IndexOf('#', StringComparison.Ordinal);
        value = (comment < 0 ? text : text[..comment]).TrimEnd();
        if (value.Length == 0)
        {
            problem = "is empty";
            return false;
        }

        problem = null;
        return true;
    }

    private static string Shorten(string text) => text.Length > 80 ? string.Concat(text.AsSpan(0, 80), "...") : text;
}
