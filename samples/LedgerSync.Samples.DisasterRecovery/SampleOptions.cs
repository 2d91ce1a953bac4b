using System.CommandLine;
using System.CommandLine.Parsing;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>The sample's command-line options, parsed and validated by System.CommandLine.</summary>
internal sealed class SampleOptions
{
    /// <summary>Exit code for options that do not parse or are out of range.</summary>
    public const int BadOptionsExitCode = 2;

    public int Transactions { get; init; } = 10_000;

    public int Missing { get; init; } = 500;

    public int Seed { get; init; } = 1;

    public TransportMode Transport { get; init; } = TransportMode.Memory;

    public string? DataDirectory { get; init; }

    public string? DumpDirectory { get; init; }

    public bool Verbose { get; init; }

    /// <summary>Log entries as JSON objects, alone on stdout (the walkthrough's text then goes to stderr).</summary>
    public bool JsonLogs { get; init; }

    /// <summary>
    /// Parses <paramref name="args"/> and runs <paramref name="run"/> with the options; prints help for <c>-h</c>, and
    /// for bad options prints each error (naming the option and what it accepts) and returns
    /// <see cref="BadOptionsExitCode"/>.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, Func<SampleOptions, CancellationToken, Task<int>> run)
    {
        var transactions = new Option<int>("--transactions")
        {
            Description = "shared A-B transactions recorded before the backup (1 to 5000000)",
            DefaultValueFactory = _ => 10_000,
            HelpName = "N",
        };
        transactions.Validators.Add(r => InRange(r, transactions, 1, 5_000_000));

        var missing = new Option<int>("--missing")
        {
            Description = "shared A-B transactions recorded after the backup, so lost by A (0 to 1000000)",
            DefaultValueFactory = _ => 500,
            HelpName = "M",
        };
        missing.Validators.Add(r => InRange(r, missing, 0, 1_000_000));

        var seed = new Option<int>("--seed") { Description = "seed of the generated business", DefaultValueFactory = _ => 1, HelpName = "S" };

        var transport = new Option<string>("--transport")
        {
            Description = "memory: both nodes on LedgerSync's in-memory transport; http: HTTPS over loopback with mutual TLS (certificates made at start, random ports)",
            DefaultValueFactory = _ => "memory",
            HelpName = "memory|http",
        };
        transport.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "memory", "http");

        var dataDirectory = new Option<DirectoryInfo?>("--data-dir")
        {
            Description = "where the nodes' SQLite databases go (default: a fresh temporary directory, deleted at the end)",
            HelpName = "DIR",
        };
        var dumpDirectory = new Option<DirectoryInfo?>("--dump-dir")
        {
            Description = "write an in-flight dump (checkpoints_dump-*.zip) there while the reconciliation runs",
            HelpName = "DIR",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "show LedgerSync's debug logs" };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "text: warnings (debug with -v) as lines among the walkthrough; json: LedgerSync's log entries (information and up, scopes included) one JSON object per line, alone on stdout, and the walkthrough on stderr, for jq",
            DefaultValueFactory = _ => "text",
            HelpName = "text|json",
        };
        logFormat.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "text", "json");

        var root = new RootCommand(
            """
            Plays the collaborative disaster-recovery walkthrough: PartyA restores its database from a backup, reconciles
            with PartyB, recovers the missing transactions and refreshes the reconciliation status.

            Exit code: 0 when A found exactly the transactions it lost, 1 when not, 2 for bad options.
            """)
        {
            transactions, missing, seed, transport, dataDirectory, dumpDirectory, verbose, logFormat,
        };
        root.SetAction((parsed, cancellationToken) => run(
            new SampleOptions
            {
                Transactions = parsed.GetValue(transactions),
                Missing = parsed.GetValue(missing),
                Seed = parsed.GetValue(seed),
                Transport = string.Equals(parsed.GetValue(transport), "http", StringComparison.OrdinalIgnoreCase) ? TransportMode.Http : TransportMode.Memory,
                DataDirectory = parsed.GetValue(dataDirectory)?.FullName,
                DumpDirectory = parsed.GetValue(dumpDirectory)?.FullName,
                Verbose = parsed.GetValue(verbose),
                JsonLogs = string.Equals(parsed.GetValue(logFormat), "json", StringComparison.OrdinalIgnoreCase),
            },
            cancellationToken));

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync("Run with --help for the options.");
            return BadOptionsExitCode;
        }

        return await result.InvokeAsync();
    }

    private static void InRange(OptionResult result, Option<int> option, int min, int max)
    {
        var value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{option.Name} {value}: expected a whole number from {min} to {max}.");
        }
    }
}
