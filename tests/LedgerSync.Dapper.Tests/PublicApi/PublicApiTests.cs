using LedgerSync.Dapper;
using LedgerSync.Testing;

namespace LedgerSync.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Test]
    public void Surface_LedgerSyncDapper_MatchesPublicApiFile() =>
        PublicApiFile.AssertMatches(typeof(SqlDialect).Assembly, "src/LedgerSync.Dapper/PublicAPI.txt");
}
