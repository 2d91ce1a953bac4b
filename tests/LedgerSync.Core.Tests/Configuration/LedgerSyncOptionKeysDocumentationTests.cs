using System.Globalization;
using System.Text.RegularExpressions;

namespace LedgerSync.Tests.Configuration;

/// <summary>
/// The key table (<see cref="LedgerSyncOptionKeys.All"/>) is the one place each option's range is declared; these tests
/// fail when docs/configuration.md or the XML docs of <see cref="LedgerSyncOptions"/> say something else.
/// </summary>
public sealed partial class LedgerSyncOptionKeysDocumentationTests
{
    private static readonly string Root = FindRoot();

    [Test]
    public void ConfigurationDoc_OptionsTable_ListsEveryKeyInTableOrder()
    {
        var rows = DocumentedRows();

        Assert.That(rows.Select(r => r.Key), Is.EqualTo(LedgerSyncOptionKeys.All.Select(k => k.Name)));
    }

    [Test]
    public void ConfigurationDoc_AcceptedColumn_EqualsTheKeyTable()
    {
        var documented = DocumentedRows().ToDictionary(r => r.Key, r => r.Accepted);

        Assert.Multiple(() =>
        {
            foreach (var key in LedgerSyncOptionKeys.All)
            {
                Assert.That(documented.GetValueOrDefault(key.Name), Is.EqualTo(key.Accepted), key.Name);
            }
        });
    }

    [Test]
    public void ConfigurationDoc_DefaultColumn_EqualsTheOptionsDefaults()
    {
        var documented = DocumentedRows().ToDictionary(r => r.Key, r => r.Default);
        var defaults = new LedgerSyncOptions();

        Assert.Multiple(() =>
        {
            foreach (var property in typeof(LedgerSyncOptions).GetProperties())
            {
                var key = KeyOf(property.Name);
                var value = property.GetValue(defaults);
                var expected = value switch
                {
                    null => "— (required)",
                    TimeSpan duration => $"`{LedgerSyncDuration.Format(duration)}`",
                    bool flag => flag ? "`true`" : "`false`",
                    IFormattable number => $"`{number.ToString(null, CultureInfo.InvariantCulture)}`",
                    _ => throw new AssertionException($"{property.Name} has a default of an unexpected type {value.GetType()}"),
                };
                Assert.That(documented.GetValueOrDefault(key), Is.EqualTo(expected), key);
            }
        });
    }

    [Test]
    public void XmlDocs_EveryOptionProperty_StatesTheAcceptedRangeOfTheKeyTable()
    {
        var summaries = PropertySummaries();

        Assert.That(summaries.Keys.Order(), Is.EquivalentTo(LedgerSyncOptionKeys.All.Select(k => k.Name)), "every public property is a key");
        Assert.Multiple(() =>
        {
            foreach (var key in LedgerSyncOptionKeys.All)
            {
                var summary = summaries.GetValueOrDefault(key.Name) ?? string.Empty;
                var accepted = AcceptedInSummary().Matches(summary);
                Assert.That(accepted, Has.Count.EqualTo(1), $"{key.Name}: one 'accepted: ...' in \"{summary}\"");
                Assert.That(summary, Does.Contain($"accepted: {key.Accepted}.").Or.Contain($"accepted: {key.Accepted},"), key.Name);
            }
        });
    }

    [Test]
    public void KeyTable_EveryPublicSettableProperty_HasAKey()
    {
        var properties = typeof(LedgerSyncOptions).GetProperties().Where(p => p.CanWrite).Select(p => KeyOf(p.Name));

        Assert.That(properties, Is.EquivalentTo(LedgerSyncOptionKeys.All.Select(k => k.Name)));
    }

    private static List<(string Key, string Default, string Accepted)> DocumentedRows()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        var header = text.IndexOf("| key | default | accepted | meaning |", StringComparison.Ordinal);
        Assert.That(header, Is.GreaterThanOrEqualTo(0), "docs/configuration.md has the options table");
        var rows = new List<(string, string, string)>();
        foreach (var line in text[header..].Split('\n').Skip(2))
        {
            if (!line.StartsWith('|'))
            {
                break;
            }

            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            rows.Add((cells[0].Trim('`'), cells[1], cells[2]));
        }

        return rows;
    }

    private static Dictionary<string, string> PropertySummaries()
    {
        var source = File.ReadAllText(Path.Combine(Root, "src", "LedgerSync.Core", "Configuration", "LedgerSyncOptions.cs"));
        return PropertyWithSummary().Matches(source).ToDictionary(m => KeyOf(m.Groups["name"].Value), m => m.Groups["summary"].Value);
    }

    private static string KeyOf(string propertyName) =>
        string.Concat(char.ToLowerInvariant(propertyName[0]).ToString(), propertyName.AsSpan(1));

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

    [GeneratedRegex(@"/// <summary>(?<summary>[^\n]*)</summary>\s*\n\s*public (?!const)[^\n(]*? (?<name>[A-Z]\w*) \{ get; set; \}")]
    private static partial Regex PropertyWithSummary();

    [GeneratedRegex("accepted: ")]
    private static partial Regex AcceptedInSummary();
}
