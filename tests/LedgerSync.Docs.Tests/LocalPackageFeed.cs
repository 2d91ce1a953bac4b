using System.Globalization;
using System.Text.Json;

namespace LedgerSync.Docs.Tests;

/// <summary>
/// The repository's packages, packed with a version of their own into a temporary folder that serves as a local
/// NuGet feed. They are packed from the assemblies already built in this test's configuration (the test project
/// references the src/ projects, without using them, so that they are built first): packing takes seconds.
/// </summary>
public sealed class LocalPackageFeed : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(3);

    private LocalPackageFeed(string directory, string version, IReadOnlyList<string> packageIds)
    {
        Directory = directory;
        Version = version;
        PackageIds = packageIds;
    }

    /// <summary>The configuration this test assembly was built in (and so the src/ projects, which it references).</summary>
    public static string BuildConfiguration { get; } =
        typeof(LocalPackageFeed).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration is { Length: > 0 } c ? c : "Debug";

    /// <summary>The folder holding the temporary work: <c>feed/</c> and the projects made from snippets.</summary>
    public string Directory { get; }

    public string FeedDirectory => Path.Combine(Directory, "feed");

    /// <summary>The packages' version: unique per run, so NuGet's global cache never serves an older build.</summary>
    public string Version { get; }

    public IReadOnlyList<string> PackageIds { get; }

    public static async Task<(LocalPackageFeed? Feed, ProcessResult Pack)> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ledgersync-docs-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var version = "0.0.0-readme.g" + Guid.NewGuid().ToString("N")[..16];
        var projects = RepositoryFiles.ShippingProjects();

        // A solution filter selects the src/ projects, so one build packs them all.
        var filter = Path.Combine(directory, "packages.slnf");
        await File.WriteAllTextAsync(filter, JsonSerializer.Serialize(new
        {
            solution = new { path = Path.Combine(RepositoryFiles.Root, RepositoryFiles.SolutionFileName), projects },
        }));

        var pack = await DotNetProcess.RunAsync(
            directory,
            PackTimeout,
            "pack", filter, "--no-build", "-c", BuildConfiguration, "-o", Path.Combine(directory, "feed"),
            $"-p:PackageVersion={version}", "-nodeReuse:false", "-nologo", "-v", "q");
        var ids = projects.Select(p => Path.GetFileNameWithoutExtension(p)).ToArray();
        var feed = new LocalPackageFeed(directory, version, ids);
        if (!pack.Succeeded || ids.Any(id => !File.Exists(Path.Combine(feed.FeedDirectory, $"{id}.{version}.nupkg"))))
        {
            feed.Dispose();
            return (null, pack);
        }

        return (feed, pack);
    }

    /// <summary>
    /// A nuget.config that adds this feed to the machine's sources (no <c>&lt;clear/&gt;</c>: the other packages still
    /// come from wherever this machine gets them).
    /// </summary>
    public string NuGetConfig() =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="ledgersync-local-{Version}" value="{FeedDirectory}" />
          </packageSources>
        </configuration>
        """;

    public void Dispose()
    {
        TryDelete(Directory);

        // The unique version was extracted into NuGet's global packages folder; remove it so runs leave nothing behind.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            TryDelete(Path.Combine(globalPackages, id.ToLower(CultureInfo.InvariantCulture), Version));
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a temporary folder the operating system cleans anyway.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
