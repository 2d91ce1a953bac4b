using LedgerSync.Testing;

namespace LedgerSync.Dashboard.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Test]
    public void Surface_LedgerSyncDashboard_MatchesPublicApiFile() =>
        PublicApiFile.AssertMatches(typeof(LedgerSyncDashboardOptions).Assembly, "src/LedgerSync.Dashboard/PublicAPI.txt");
}
