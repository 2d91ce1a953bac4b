using System.IO.Compression;
using System.Xml.Linq;

namespace LedgerSync.Docs.Tests.Packaged;

/// <summary>
/// What a NuGet user sees of each package: its own README, the repository and project URLs, and no dependency its
/// README does not name. Reads the packages the snippet tests packed.
/// </summary>
[TestFixture]
public sealed class PackageMetadataTests
{
    public static IEnumerable<string> PackageIds() =>
        RepositoryFiles.ShippingProjects().Select(p => Path.GetFileNameWithoutExtension(p));

    [TestCaseSource(nameof(PackageIds))]
    public void Package_Nuspec_DependsOnlyOnWhatItsReadmeNames(string id)
    {
        var (nuspec, readme) = Open(id);
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName is "dependency" or "frameworkReference")
            .Select(e => (string?)e.Attribute("id") ?? (string)e.Attribute("name")!)
            .Distinct()
            .ToList();

        Assert.That(dependencies, Is.Not.Empty);
        Assert.That(dependencies.Where(d => !readme.Contains($"`{d}`", StringComparison.Ordinal)), Is.Empty,
            $"{id}'s README (src/{id}/README.md) must name each dependency of the package, in backquotes.");
    }

    [TestCaseSource(nameof(PackageIds))]
    public void Package_Nuspec_HasRepositoryProjectUrlAndOwnReadme(string id)
    {
        var (nuspec, readme) = Open(id);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        var repository = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository");

        Assert.Multiple(() =>
        {
            Assert.That(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "projectUrl")?.Value, Does.StartWith("https://"));
            Assert.That((string?)repository?.Attribute("url"), Does.StartWith("https://"));
            Assert.That(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "readme")?.Value, Is.EqualTo("README.md"));
            Assert.That(readme, Does.StartWith($"# {id}"), "the package carries its own README, not the repository's");
            Assert.That(readme, Does.Not.Match(@"\]\((?!https?://|#)[^)]+\)"), "links in a package README must be absolute (nuget.org has no repository around it)");
        });
    }

    private static (XDocument Nuspec, string Readme) Open(string id)
    {
        var feed = PackedFeed.Require();
        using var package = ZipFile.OpenRead(Path.Combine(feed.FeedDirectory, $"{id}.{feed.Version}.nupkg"));
        using var nuspecStream = package.GetEntry($"{id}.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream);
        var readmeEntry = package.GetEntry("README.md");
        Assert.That(readmeEntry, Is.Not.Null, $"{id} packs no README.md");
        using var reader = new StreamReader(readmeEntry!.Open());
        return (nuspec, reader.ReadToEnd());
    }
}
