using System.Xml.Linq;

namespace LedgerSync.Docs.Tests;

/// <summary>The repository this test runs from: its root, README, shipping projects and central package versions.</summary>
public static class RepositoryFiles
{
    public const string SolutionFileName = "LedgerSync.Core.sln";

    /// <summary>The directory holding <see cref="SolutionFileName"/>, found upwards from the test's output directory.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The packable projects (<c>src/*/*.csproj</c>), relative to <see cref="Root"/> with forward slashes.</summary>
    public static IReadOnlyList<string> ShippingProjects() =>
        Directory.GetDirectories(Path.Combine(Root, "src"))
            .SelectMany(d => Directory.GetFiles(d, "*.csproj"))
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The versions in Directory.Packages.props, with <c>$(Property)</c> references resolved.</summary>
    public static IReadOnlyDictionary<string, string> CentralPackageVersions()
    {
        var document = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        var properties = document.Descendants("PropertyGroup").Elements()
            .ToDictionary(e => e.Name.LocalName, e => e.Value.Trim(), StringComparer.OrdinalIgnoreCase);
        var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var element in document.Descendants("PackageVersion"))
        {
            var id = (string?)element.Attribute("Include");
            var version = (string?)element.Attribute("Version");
            if (id is null || version is null)
            {
                continue;
            }

            versions[id] = System.Text.RegularExpressions.Regex.Replace(
                version,
                @"\$\((?<name>[A-Za-z0-9_]+)\)",
                m => properties.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Value);
        }

        return versions;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFileName} above {AppContext.BaseDirectory}.");
    }
}
