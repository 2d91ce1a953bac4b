using System.Text.RegularExpressions;

namespace LedgerSync.Tests.Documentation;

/// <summary>
/// The user-facing docs speak the public API: every code-formatted word that names a type of the repository's
/// <c>src/</c> code names a public one (a type line of some <c>src/*/PublicAPI.*.txt</c>). Internal engine names may
/// appear only under a heading that starts with "For contributors", up to the next heading of the same or a higher
/// level.
/// </summary>
public sealed partial class DocsPublicSurfaceTests
{
    private static readonly string Root = FindRoot();

    /// <summary>The README, every package README and every page under docs/.</summary>
    public static IEnumerable<string> UserFacingDocs()
    {
        var root = FindRoot();
        var docs = new List<string> { "README.md" };
        docs.AddRange(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories).Select(f => Relative(root, f)));
        docs.AddRange(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(f => Relative(root, f)));
        return docs.Order(StringComparer.Ordinal);
    }

    [TestCaseSource(nameof(UserFacingDocs))]
    public void Doc_CodeFormattedTypeNames_ArePublicOutsideContributorSections(string doc)
    {
        var internalTypes = InternalTypeNames();
        var text = File.ReadAllText(Path.Combine(Root, doc));

        var findings = InternalNamesOutsideContributorSections(text, internalTypes);

        Assert.That(findings, Is.Empty, $"{doc} presents internal types as API (move them to a 'For contributors' section or describe the behaviour)");
    }

    [Test]
    public void UserFacingDocs_IncludeTheReadmesAndTheProtocolDoc()
    {
        var docs = UserFacingDocs().ToList();

        Assert.That(docs, Does.Contain("README.md").And.Contain("docs/protocol.md").And.Contain("docs/testing.md").And.Contain("src/LedgerSync.Testing/README.md"));
    }

    [Test]
    public void TypeScan_FindsPublicAndInternalTypes()
    {
        var publicTypes = PublicTypeNames();
        var internalTypes = InternalTypeNames();

        Assert.Multiple(() =>
        {
            Assert.That(publicTypes, Does.Contain(nameof(LedgerSyncOptions)).And.Contain(nameof(LedgerSync.Transport.InMemoryNetwork)));
            Assert.That(internalTypes, Is.Not.Empty);
            Assert.That(internalTypes, Does.Not.Contain(nameof(LedgerSyncOptions)));
            Assert.That(internalTypes.Intersect(publicTypes), Is.Empty);
        });
    }

    [Test]
    public void Scanner_InternalNameInCodeOutsideContributorSection_IsFoundOncePerOccurrence()
    {
        var name = InternalTypeNames().Order(StringComparer.Ordinal).First();
        var markdown = string.Join('\n',
            "# Title",
            $"Prose mentioning {name} without code formatting is not checked.",
            $"Call `{name}.Run()` here.",
            "```csharp",
            $"var x = new {name}();",
            "```",
            "## For contributors: where this lives in the code",
            $"`{name}` is fine here.",
            "### A subsection of it",
            $"`{name}` is fine here too.",
            "## Next section",
            $"But `{name}` is not.");

        var findings = InternalNamesOutsideContributorSections(markdown, new HashSet<string>(StringComparer.Ordinal) { name });

        Assert.That(findings, Is.EqualTo(new[] { $"line 3: {name}", $"line 5: {name}", $"line 12: {name}" }));
    }

    private static List<string> InternalNamesOutsideContributorSections(string markdown, HashSet<string> internalTypes)
    {
        var findings = new List<string>();
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        string? fence = null;
        int? contributorLevel = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (fence is null)
            {
                var open = Fence().Match(line);
                if (open.Success)
                {
                    fence = open.Groups["fence"].Value;
                    continue;
                }

                var heading = Heading().Match(line);
                if (heading.Success)
                {
                    var level = heading.Groups["hashes"].Value.Length;
                    if (contributorLevel is { } openLevel && level <= openLevel)
                    {
                        contributorLevel = null;
                    }

                    if (contributorLevel is null && heading.Groups["title"].Value.StartsWith("For contributors", StringComparison.OrdinalIgnoreCase))
                    {
                        contributorLevel = level;
                    }
                }
            }
            else if (line.TrimStart().StartsWith(fence, StringComparison.Ordinal) && line.Trim().Trim(fence[0]).Length == 0)
            {
                fence = null;
                continue;
            }

            if (contributorLevel is not null)
            {
                continue;
            }

            var code = fence is not null ? [line] : CodeSpan().Matches(line).Select(m => m.Groups["code"].Value);
            foreach (var span in code)
            {
                foreach (Match word in PascalWord().Matches(span))
                {
                    if (internalTypes.Contains(word.Value))
                    {
                        findings.Add($"line {i + 1}: {word.Value}");
                    }
                }
            }
        }

        return findings;
    }

    /// <summary>Type names declared in src/ (not private or file-local nested helpers) that no PublicAPI file lists.</summary>
    private static HashSet<string> InternalTypeNames()
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Relative(Root, file);
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match declaration in TypeDeclaration().Matches(File.ReadAllText(file)))
            {
                var modifiers = declaration.Groups["modifiers"].Value;
                if (!modifiers.Contains("private", StringComparison.Ordinal) && !modifiers.Contains("file", StringComparison.Ordinal))
                {
                    declared.Add(declaration.Groups["name"].Value);
                }
            }
        }

        declared.ExceptWith(PublicTypeNames());
        return declared;
    }

    /// <summary>The simple names of the types listed in every src/*/PublicAPI.*.txt (type lines have no member part).</summary>
    private static HashSet<string> PublicTypeNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "src"), "PublicAPI.*.txt", SearchOption.AllDirectories))
        {
            foreach (var raw in File.ReadLines(file))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#') || line.Contains("->", StringComparison.Ordinal) || line.Contains('(', StringComparison.Ordinal) || line.Contains('=', StringComparison.Ordinal))
                {
                    continue;
                }

                var qualified = line.Split(' ')[^1];
                var generic = qualified.IndexOf('<', StringComparison.Ordinal);
                if (generic >= 0)
                {
                    qualified = qualified[..generic];
                }

                names.Add(qualified[(qualified.LastIndexOf('.') + 1)..]);
            }
        }

        return names;
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LedgerSync.Core.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("LedgerSync.Core.sln not found above the test directory.");
    }

    [GeneratedRegex(@"^ {0,3}(?<fence>`{3,}|~{3,})")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^ {0,3}(?<hashes>#{1,6})\s+(?<title>.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"(?<ticks>`+)(?<code>.+?)\k<ticks>")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9_]*\b")]
    private static partial Regex PascalWord();

    [GeneratedRegex(@"^[ \t]*(?<modifiers>(?:(?:public|internal|protected|private|file|static|sealed|abstract|partial|readonly|ref|unsafe|new)\s+)*)(?:class|struct|interface|enum|record(?:\s+struct|\s+class)?|delegate\s+[\w<>?,\[\] ]+?)\s+(?<name>[A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
