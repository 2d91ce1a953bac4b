using LedgerSync.Testing;

namespace LedgerSync.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Test]
    public void Surface_LedgerSyncCore_MatchesPublicApiFile() =>
        PublicApiFile.AssertMatches(typeof(LedgerSyncOptions).Assembly, "src/LedgerSync.Core/PublicAPI.txt");
}
