using System.Globalization;
using System.Text.RegularExpressions;

namespace LedgerSync.Recovery.Manual;

/// <summary>The manual-recovery zip's names and the bounds an import reads within.</summary>
internal static partial class ManualRecoveryFormat
{
    public const string FormatName = "ledgersync-manual-recovery";

    public const int Version = 1;

    public const string ManifestEntry = "manifest.json";

    /// <summary>The most bytes read of <c>manifest.json</c>.</summary>
    public const int MaxManifestBytes = 4 << 20;

    /// <summary>The most bytes read of one batch listing per transaction it lists (an ID, a size and a digest take about 170).</summary>
    public const int MaxListingBytesPerTransaction = 512;

    /// <summary>The largest payload an import reads (it is held in memory to be decoded).</summary>
    public const long MaxPayloadBytes = 64L << 20;

    /// <summary>The most transactions one file may hold (as one recovery may request).</summary>
    public const int MaxTransactions = 1_000_000;

    public static string ListingEntry(int batch) => string.Create(CultureInfo.InvariantCulture, $"batch-{batch:D6}.json");

    public static string PayloadEntry(int batch) => string.Create(CultureInfo.InvariantCulture, $"batch-{batch:D6}.bin");

    /// <summary>Whether <paramref name="name"/> is a name the format writes (no folders, no path tricks).</summary>
    public static bool IsKnownEntryName(string name) => name == ManifestEntry || BatchEntry().IsMatch(name);

    [GeneratedRegex("^batch-[0-9]{6}\\.(json|bin)$", RegexOptions.CultureInvariant)]
    private static partial Regex BatchEntry();
}
