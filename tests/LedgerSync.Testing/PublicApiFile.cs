using System.Reflection;
using NUnit.Framework;

namespace LedgerSync.Testing;

/// <summary>
/// Compares an assembly's public surface (<see cref="PublicApiSurface"/>) with a committed <c>PublicAPI.txt</c>, as a set
/// of lines so that union merges of the file work. With the environment variable
/// <c>LEDGERSYNC_UPDATE_PUBLIC_API=1</c> the file is rewritten (sorted) instead.
/// </summary>
/// <example>
/// <code>
/// [Test]
/// public void PublicApi_Assembly_MatchesCommittedFile() =>
///     PublicApiFile.AssertMatches(typeof(SomeType).Assembly, "src/LedgerSync.Dapper/PublicAPI.txt");
/// </code>
/// </example>
public static class PublicApiFile
{
    /// <summary>The environment variable that makes <see cref="AssertMatches"/> rewrite the file.</summary>
    public const string UpdateVariable = "LEDGERSYNC_UPDATE_PUBLIC_API";

    /// <summary>
    /// Asserts that the surface of <paramref name="assembly"/> equals the lines of the file at
    /// <paramref name="repositoryRelativePath"/> (relative to the folder holding <c>LedgerSync.Core.sln</c>), or rewrites the file
    /// when <see cref="UpdateVariable"/> is <c>1</c>. The failure lists added and removed lines and says how to update.
    /// </summary>
    public static void AssertMatches(Assembly assembly, string repositoryRelativePath)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(repositoryRelativePath);
        var path = Path.Combine(FindRepositoryRoot(), repositoryRelativePath);
        var actual = PublicApiSurface.Describe(assembly);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            // Rewrite, then fall through: the comparison below checks the file that was written.
            File.WriteAllText(path, string.Join('\n', actual) + "\n");
        }

        var expected = File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal)
            : [];
        var added = actual.Where(l => !expected.Contains(l)).ToList();
        var removed = expected.Except(actual, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.That(added.Count + removed.Count, Is.Zero, () => Describe(assembly, repositoryRelativePath, added, removed));
    }

    /// <summary>Finds the folder holding <c>LedgerSync.Core.sln</c>, walking up from the test's output folder.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LedgerSync.Core.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No LedgerSync.Core.sln above {AppContext.BaseDirectory}.");
    }

    private static string Describe(Assembly assembly, string file, List<string> added, List<string> removed)
    {
        var lines = new List<string>
        {
            $"The public API of {assembly.GetName().Name} differs from {file}.",
            "If the change is intended, run the test with LEDGERSYNC_UPDATE_PUBLIC_API=1 to rewrite the file, and review the diff:",
            $"  LEDGERSYNC_UPDATE_PUBLIC_API=1 dotnet test --filter \"FullyQualifiedName~PublicApi\"",
        };
        if (added.Count > 0)
        {
            lines.Add($"Added ({added.Count}):");
            lines.AddRange(added.Select(l => "  + " + l));
        }

        if (removed.Count > 0)
        {
            lines.Add($"Removed ({removed.Count}):");
            lines.AddRange(removed.Select(l => "  - " + l));
        }

        return string.Join(Environment.NewLine, lines);
    }
}
