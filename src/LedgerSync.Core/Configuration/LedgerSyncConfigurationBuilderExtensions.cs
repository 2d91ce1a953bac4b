using LedgerSync;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds LedgerSync configuration sources to an <see cref="IConfigurationBuilder"/>.</summary>
public static class LedgerSyncConfigurationBuilderExtensions
{
    /// <summary>
    /// Adds a node-style <c>.conf</c> file (<c>key = value</c> lines, see <see cref="LedgerSyncConfFile"/>); its keys
    /// appear in the <c>LedgerSync</c> section, where <c>AddLedgerSync(configuration)</c> binds them.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file's path; a relative path is resolved against the current directory when the configuration is built.</param>
    /// <param name="optional">Whether a missing file is allowed (then the source is empty).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="LedgerSyncConfigurationException">When the configuration is built: lines of the file are malformed, name unknown keys, repeat keys or hold bad values; one exception lists them all.</exception>
    public static IConfigurationBuilder AddLedgerSyncConfFile(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.Add(new LedgerSyncConfFileConfigurationSource(path, optional));
    }
}
