using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>The sample's command-line flags.</summary>
internal sealed class SampleOptions
{
    public const string Usage =
        """
        Usage: dotnet run --project samples/LedgerSync.Samples.DisasterRecovery -- [options]

        Plays the collaborative disaster-recovery walkthrough: PartyA restores its database from a backup, reconciles
        with PartyB, recovers the missing transactions and refreshes the reconciliation status.

        Options:
          --transactions N     shared A-B transactions recorded before the backup (default 10000)
          --missing M          shared A-B transactions recorded after the backup, lost by A (default 500)
          --seed S             seed of the generated business (default 1)
          --transport MODE     memory (default): both nodes on LedgerSync's in-memory transport
                               http: HTTPS over loopback with mutual TLS (certificates made at start, random ports)
          --data-dir DIR       where the nodes' SQLite databases go (default: a fresh temporary directory,
                               deleted at the end)
          --dump-dir DIR       write an in-flight dump (checkpoints_dump-*.zip) there while the reconciliation runs
          -v, --verbose        show LedgerSync's debug logs
          -h, --help           show this text

        Exit code: 0 when A found exactly the transactions it lost, 1 when not, 2 for bad options.
        """;

    private static readonly HashSet<string> KnownFlags = ["--transactions", "--missing", "--seed", "--transport", "--data-dir", "--dump-dir"];

    public int Transactions { get; private set; } = 10_000;

    public int Missing { get; private set; } = 500;

    public int Seed { get; private set; } = 1;

    public TransportMode Transport { get; private set; } = TransportMode.Memory;

    public string? DataDirectory { get; private set; }

    public string? DumpDirectory { get; private set; }

    public bool ShowHelp { get; private set; }

    public bool Verbose { get; private set; }

    /// <summary>Parses the flags; returns <see langword="false"/> with a message when they are not valid.</summary>
    public static bool TryParse(string[] args, [NotNullWhen(true)] out SampleOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = new SampleOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                options.ShowHelp = true;
                continue;
            }

            if (flag is "-v" or "--verbose")
            {
                options.Verbose = true;
                continue;
            }

            // Both "--flag value" and "--flag=value".
            string? value = null;
            var equals = flag.IndexOf('=', StringComparison.Ordinal);
            if (flag.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = flag[(equals + 1)..];
                flag = flag[..equals];
            }
            else if (i + 1 < args.Length && KnownFlags.Contains(flag))
            {
                value = args[++i];
            }

            if (!KnownFlags.Contains(flag))
            {
                error = $"Unknown option '{flag}'.";
                break;
            }

            if (value is null)
            {
                error = $"{flag} needs a value.";
                break;
            }

            switch (flag)
            {
                case "--transactions" when TryParseCount(value, 1, 5_000_000, out var n):
                    options.Transactions = n;
                    break;
                case "--missing" when TryParseCount(value, 0, 1_000_000, out var m):
                    options.Missing = m;
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed):
                    options.Seed = seed;
                    break;
                case "--transport" when value.ToUpperInvariant() is "MEMORY" or "HTTP":
                    options.Transport = value.Equals("http", StringComparison.OrdinalIgnoreCase) ? TransportMode.Http : TransportMode.Memory;
                    break;
                case "--data-dir" when value.Length > 0:
                    options.DataDirectory = Path.GetFullPath(value);
                    break;
                case "--dump-dir" when value.Length > 0:
                    options.DumpDirectory = Path.GetFullPath(value);
                    break;
                default:
                    error = $"{flag} {value}: {Expected(flag)}.";
                    break;
            }

            if (error is not null)
            {
                break;
            }
        }

        if (error is not null)
        {
            options = null;
            return false;
        }

        return true;
    }

    private static bool TryParseCount(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static string Expected(string flag) => flag switch
    {
        "--transactions" => "expected a whole number from 1 to 5000000",
        "--missing" => "expected a whole number from 0 to 1000000",
        "--seed" => "expected a whole number",
        "--transport" => "expected memory or http",
        _ => "expected a directory",
    };
}
