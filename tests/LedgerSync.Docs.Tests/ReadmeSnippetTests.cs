using System.Text.RegularExpressions;

namespace LedgerSync.Docs.Tests.Packaged;

/// <summary>
/// The README's Quickstart and "without a host" examples, built as a new user would: fresh console projects that
/// reference the freshly packed packages (a local feed) and the packages the README tells them to add, then run.
/// </summary>
/// <remarks>
/// Under CI (<c>CI=true</c>) every missing piece fails the test. On a developer machine without access to a package
/// source for the third-party packages, the test is skipped with a message.
/// </remarks>
[TestFixture]
[Parallelizable(ParallelScope.Children)] // the cases build separate projects; on two cores their restores and builds overlap
public sealed partial class ReadmeSnippetTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    [TestCase("README.md", "quickstart")]
    [TestCase("README.md", "without-host")]
    [TestCase("src/LedgerSync.Core/README.md", "package-example")]
    public async Task ReadmeSnippet_BuiltAgainstPackedPackages_PrintsReconciliationStatus(string file, string tag)
    {
        var feed = PackedFeed.Require();

        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.Root, file));
        var code = MarkdownSnippets.FindOne(readme, "csharp", tag);
        var packages = MarkdownSnippets.PackagesAdded(MarkdownSnippets.FindOne(readme, "sh", tag));
        Assert.That(packages, Is.Not.Empty, $"The ```sh {tag} block names no package (dotnet add package ...).");

        var central = RepositoryFiles.CentralPackageVersions();
        var references = new List<(string Id, string Version)>();
        foreach (var id in packages)
        {
            if (feed.PackageIds.Contains(id, StringComparer.OrdinalIgnoreCase))
            {
                references.Add((id, feed.Version));
            }
            else
            {
                Assert.That(central.TryGetValue(id, out var version), Is.True, $"README asks for package {id}, which Directory.Packages.props does not list (the test takes its version from there).");
                references.Add((id, version!));
            }
        }

        var project = Path.Combine(feed.Directory, tag);
        Assert.That(Directory.Exists(project), Is.False, $"Two cases use the tag {tag}; tags must be unique across the files tested.");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), feed.NuGetConfig());
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), code.Code);
        await File.WriteAllTextAsync(Path.Combine(project, $"{tag}.csproj"), ConsoleProject(references));

        var build = await DotNetProcess.RunAsync(project, BuildTimeout, "build", "-c", "Release", "-o", "out", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-nologo");
        if (!build.Succeeded && !UnderCi && UnreachableSource().IsMatch(build.Output))
        {
            Assert.Ignore($"No package source reachable for the README's third-party packages (set CI=true to make this a failure): {build.Describe()}");
        }

        Assert.That(build.Succeeded, Is.True, () => $"{file} ```csharp {tag} (line {code.Line}) does not build as written: {build.Describe()}");

        var run = await DotNetProcess.RunAsync(project, RunTimeout, Path.Combine(project, "out", $"{tag}.dll"));
        Assert.Multiple(() =>
        {
            Assert.That(run.TimedOut, Is.False, () => $"{file} ```csharp {tag} did not finish within {RunTimeout.TotalSeconds} s: {run.Output}");
            Assert.That(run.ExitCode, Is.Zero, () => run.Describe());
            Assert.That(run.Output, Does.Match(PrintedStatus().ToString()), () => $"No reconciliation result printed: {run.Output}");
        });
    }

    /// <summary>What <c>dotnet new console</c> makes, with the README's packages.</summary>
    private static string ConsoleProject(IEnumerable<(string Id, string Version)> references) =>
        $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
        {string.Join('\n', references.Select(r => $"    <PackageReference Include=\"{r.Id}\" Version=\"{r.Version}\" />"))}
          </ItemGroup>
        </Project>
        """;

    // The requester's row after a run that found what the snippet's node lost: state and at least one 64-hex ID.
    [GeneratedRegex("""ReconciliationStatus\(partyName="[^"]+", isRequester=true, stateMachineRunId="[0-9a-f-]{36}", .*lastSuccessfulReconciliationResult=\[[0-9A-F]{64}.*lastReconciliationStatus=DIFFERENCES_FOUND""")]
    private static partial Regex PrintedStatus();

    [GeneratedRegex("NU1301|NU1101|Unable to load the service index", RegexOptions.IgnoreCase)]
    private static partial Regex UnreachableSource();
}
