namespace LedgerSync.Docs.Tests.Packaged;

/// <summary>Packs the src/ projects once for every fixture in this namespace, and removes the feed afterwards.</summary>
[SetUpFixture]
public sealed class PackedFeed
{
    /// <summary>The local feed, or null when packing failed (see <see cref="Pack"/>).</summary>
    public static LocalPackageFeed? Feed { get; private set; }

    public static ProcessResult? Pack { get; private set; }

    /// <summary>The feed; fails the calling test, with the pack's output, when packing failed.</summary>
    public static LocalPackageFeed Require()
    {
        Assert.That(Feed, Is.Not.Null, () => "Packing the src/ projects failed: " + Pack?.Describe());
        return Feed!;
    }

    [OneTimeSetUp]
    public async Task PackAsync() => (Feed, Pack) = await LocalPackageFeed.CreateAsync();

    [OneTimeTearDown]
    public void RemoveFeed() => Feed?.Dispose();
}
