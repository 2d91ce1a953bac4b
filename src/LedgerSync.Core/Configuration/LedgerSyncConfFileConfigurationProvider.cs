using Microsoft.Extensions.Configuration;

namespace LedgerSync;

/// <summary>Loads a LedgerSync <c>.conf</c> file into the <c>LedgerSync</c> configuration section.</summary>
internal sealed class LedgerSyncConfFileConfigurationProvider(string path, bool optional) : ConfigurationProvider
{
    public override void Load()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(path))
        {
            foreach (var (key, value) in LedgerSyncConfFile.Read(path))
            {
                data[ConfigurationPath.Combine(LedgerSyncOptions.SectionName, key)] = value;
            }
        }
        else if (!optional)
        {
            throw new FileNotFoundException($"The LedgerSync configuration file '{path}' does not exist.", path);
        }

        Data = data;
    }
}
