using System.Text;

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
/// The reader checks the file's structure: an unknown key, a line that is not <c>key = value</c>, or a key given twice
/// is a <see cref="LedgerSyncConfigurationException"/> naming the line. Values are checked, all at once, when the options
/// are validated at start-up. Use it through <c>IConfigurationBuilder.AddLedgerSyncConfFile(path)</c>, which maps the
/// keys into the <c>LedgerSync</c> section.
/// </remarks>
public static class LedgerSyncConfFile
{
    /// <summary>Reads a <c>.conf</c> file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The values by key, keys spelled as the reference product spells them.</returns>
    /// <exception cref="LedgerSyncConfigurationException">A line is malformed, names an unknown key or repeats a key.</exception>
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
    /// <exception cref="LedgerSyncConfigurationException">A line is malformed, names an unknown key or repeats a key.</exception>
    public static IReadOnlyDictionary<string, string> Parse(TextReader reader, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var source = string.IsNullOrEmpty(sourceName) ? "configuration" : sourceName;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var content = line.Trim();
            if (content.Length == 0 || content[0] == '#')
            {
                continue;
            }

            var equals = content.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new LedgerSyncConfigurationException(
                    $"{source}, line {lineNumber}: '{Shorten(content)}' is not of the form 'key = value'.", lineNumber: lineNumber);
            }

            var keyText = content[..equals].Trim();
            if (!LedgerSyncOptionKeys.TryGet(keyText, out var key))
            {
                if (keyText.Any(c => !char.IsAsciiLetterOrDigit(c)))
                {
                    throw new LedgerSyncConfigurationException(
                        $"{source}, line {lineNumber}: '{Shorten(content)}' is not of the form 'key = value'.", lineNumber: lineNumber);
                }

                throw new LedgerSyncConfigurationException(
                    $"{source}, line {lineNumber}: unknown key '{keyText}'; known keys: {string.Join(", ", LedgerSyncOptionKeys.All.Select(k => k.Name))}.",
                    keyText,
                    lineNumber);
            }

            if (!TryReadValue(content[(equals + 1)..], out var value, out var problem))
            {
                throw new LedgerSyncConfigurationException($"{source}, line {lineNumber}: the value of '{key.Name}' {problem}.", key.Name, lineNumber);
            }

            if (lines.TryGetValue(key.Name, out var firstLine))
            {
                throw new LedgerSyncConfigurationException(
                    $"{source}, line {lineNumber}: '{key.Name}' is already set on line {firstLine}.", key.Name, lineNumber);
            }

            lines[key.Name] = lineNumber;
            values[key.Name] = value;
        }

        return values;
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
