using LedgerSync.Testing;
using LedgerSync.Transport.Http;

namespace LedgerSync.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Test]
    public void Surface_LedgerSyncTransportHttp_MatchesPublicApiFile() =>
        PublicApiFile.AssertMatches(typeof(LedgerSyncHttpOptions).Assembly, "src/LedgerSync.Transport.Http/PublicAPI.txt");
}
