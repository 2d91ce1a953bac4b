using System.CommandLine;

namespace LedgerSync.Samples.Node;

/// <summary>What the node sample's command line asked for.</summary>
internal sealed record NodeCommandLine(
    string? Node,
    string? ConfFile,
    bool JsonLogs,
    bool OpenTelemetryConsole,
    int? PrometheusPort,
    IReadOnlyList<string> ConfigurationArguments)
{
    /// <summary>Exit code for options that do not parse.</summary>
    public const int BadOptionsExitCode = 2;

    /// <summary>
    /// Parses <paramref name="args"/> and runs <paramref name="run"/>; prints help for <c>-h</c>, and for bad options
    /// each error and <see cref="BadOptionsExitCode"/>. Tokens it does not know, such as
    /// <c>--LedgerSync:Http:ListenUrls:0 https://127.0.0.1:7201</c>, go on to the configuration.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, Func<NodeCommandLine, CancellationToken, Task<int>> run)
    {
        var node = new Option<string?>("--node")
        {
            Description = "read nodes/NAME/appsettings.json and nodes/NAME/ledger-sync.conf (partya, partyb, or a directory holding those two files)",
            HelpName = "NAME",
        };
        var conf = new Option<FileInfo>("--conf")
        {
            Description = "another .conf file (key = value lines, the reference product's format)",
            HelpName = "FILE",
        };
        conf.AcceptExistingOnly();
        var logFormat = new Option<string>("--log-format")
        {
            Description = "text: one line per entry on stderr, kept off the prompt; json: one JSON object per line on stdout and nothing else there (the shell then uses stderr), for jq",
            DefaultValueFactory = _ => "text",
            HelpName = "text|json",
        };
        logFormat.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "text", "json");
        var otelConsole = new Option<bool>("--otel-console")
        {
            Description = "export LedgerSync's traces and metrics with the OpenTelemetry console exporter (metrics every 10 s)",
        };
        var prometheus = new Option<int?>("--prometheus-port")
        {
            Description = "serve LedgerSync's metrics for Prometheus at http://127.0.0.1:PORT/metrics",
            HelpName = "PORT",
        };
        prometheus.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } port && port is < 1 or > 65535)
            {
                r.AddError($"--prometheus-port {port}: expected a TCP port from 1 to 65535.");
            }
        });

        var root = new RootCommand(
            """
            A ledger node with LedgerSync: SQLite ledger and status store, the HTTPS transport, and a shell with the
            reference product's flow commands (type help at the prompt). Configuration: appsettings.json, then the
            node's files (--node), then --conf, then any --Section:Key value on the command line.

            Example: dotnet run --project samples/LedgerSync.Samples.Node -- --node partya
            """)
        {
            node, conf, logFormat, otelConsole, prometheus,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parsed, cancellationToken) => run(
            new NodeCommandLine(
                parsed.GetValue(node),
                parsed.GetValue(conf)?.FullName,
                string.Equals(parsed.GetValue(logFormat), "json", StringComparison.OrdinalIgnoreCase),
                parsed.GetValue(otelConsole),
                parsed.GetValue(prometheus),
                parsed.UnmatchedTokens),
            cancellationToken));

        var result = root.Parse(args);
        var unknown = result.UnmatchedTokens.Where(t => t.StartsWith('-') && !t.Contains(':', StringComparison.Ordinal)).ToList();
        if (result.Errors.Count > 0 || unknown.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            foreach (var token in unknown)
            {
                await Console.Error.WriteLineAsync($"Unknown option '{token}' (configuration keys are written --Section:Key value, e.g. --LedgerSync:Http:ListenUrls:0 https://127.0.0.1:7201).");
            }

            await Console.Error.WriteLineAsync("Run with --help for the options.");
            return BadOptionsExitCode;
        }

        return await result.InvokeAsync();
    }
}
