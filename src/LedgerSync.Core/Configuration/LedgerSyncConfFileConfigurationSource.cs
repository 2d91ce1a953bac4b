using Microsoft.Extensions.Configuration;

namespace LedgerSync;

/// <summary>The configuration source of a LedgerSync <c>.conf</c> file.</summary>
internal sealed class LedgerSyncConfFileConfigurationSource(string path, bool optional) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new LedgerSyncConfFileConfigurationProvider(path, optional);
}
