using System.Text.RegularExpressions;

namespace LedgerSync.Docs.Tests;

/// <summary>
/// A fenced code block of a Markdown file: its language, its tags (the info string's other words), its text and the
/// 1-based line of its opening fence.
/// </summary>
public sealed record MarkdownSnippet(string Language, IReadOnlyList<string> Tags, string Code, int Line);

/// <summary>Finds fenced code blocks (<c>```csharp quickstart</c>) in Markdown text.</summary>
public static partial class MarkdownSnippets
{
    /// <summary>Every fenced block of <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<MarkdownSnippet> Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var snippets = new List<MarkdownSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var fence = open.Groups["fence"].Value;
            var info = open.Groups["info"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var indent = open.Groups["indent"].Value.Length;
            var body = new List<string>();
            var start = i + 1; // the opening fence's line, 1-based
            for (i++; i < lines.Length; i++)
            {
                var trimmed = lines[i].TrimStart(' ');
                if (trimmed.StartsWith(fence, StringComparison.Ordinal) && trimmed.Trim().Trim(fence[0]).Length == 0 && lines[i].Length - trimmed.Length <= 3)
                {
                    break;
                }

                // CommonMark: remove up to the opening fence's indentation from each content line.
                var strip = Math.Min(indent, lines[i].Length - lines[i].TrimStart(' ').Length);
                body.Add(lines[i][strip..]);
            }

            snippets.Add(new MarkdownSnippet(
                info.Length > 0 ? info[0] : string.Empty,
                info.Skip(1).ToArray(),
                string.Join('\n', body) + "\n",
                start));
        }

        return snippets;
    }

    /// <summary>The one block of <paramref name="language"/> tagged <paramref name="tag"/>; throws when there is none or more than one.</summary>
    public static MarkdownSnippet FindOne(string markdown, string language, string tag)
    {
        var found = Parse(markdown)
            .Where(s => s.Language.Equals(language, StringComparison.OrdinalIgnoreCase) && s.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
            .ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new InvalidOperationException($"No fenced block marked ```{language} {tag} was found."),
            _ => throw new InvalidOperationException($"{found.Count} fenced blocks are marked ```{language} {tag} (lines {string.Join(", ", found.Select(f => f.Line))}); expected one."),
        };
    }

    /// <summary>The package IDs of the <c>dotnet add package ID</c> lines of a shell block.</summary>
    public static IReadOnlyList<string> PackagesAdded(MarkdownSnippet shell)
    {
        ArgumentNullException.ThrowIfNull(shell);
        return AddPackage().Matches(shell.Code).Select(m => m.Groups["id"].Value).ToArray();
    }

    [GeneratedRegex(@"^(?<indent> {0,3})(?<fence>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*dotnet\s+add\s+(?:\S+\s+)?package\s+(?<id>[A-Za-z0-9_.\-]+)", RegexOptions.Multiline)]
    private static partial Regex AddPackage();
}
