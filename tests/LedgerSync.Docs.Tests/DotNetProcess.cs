using System.Diagnostics;
using System.Text;

namespace LedgerSync.Docs.Tests;

/// <summary>The outcome of one <c>dotnet</c> command.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output, bool TimedOut, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    public string Describe() =>
        $"'{CommandLine}' {(TimedOut ? "timed out" : $"exited with {ExitCode}")}. Output:\n{Output}";
}

/// <summary>Runs the <c>dotnet</c> CLI as a child process with a time limit, no build servers left behind and no stdin.</summary>
public static class DotNetProcess
{
    public static async Task<ProcessResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotNetHost(), arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // The test runs inside 'dotnet test': MSBuild's variables from that build must not steer the child builds.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        // No build server or reused node may outlive the command (it would hold the output pipes open).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var started = Stopwatch.GetTimestamp();
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cancellation = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.WaitForExit(); // drains the asynchronous readers
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        var result = new ProcessResult($"dotnet {string.Join(' ', arguments)}", timedOut ? -1 : process.ExitCode, text, timedOut, Stopwatch.GetElapsedTime(started));
        TestContext.Progress.WriteLine($"{result.CommandLine}: {(result.TimedOut ? "timed out" : $"exit {result.ExitCode}")} after {result.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    /// <summary>The <c>dotnet</c> executable that runs this test (<c>DOTNET_HOST_PATH</c>), else the one on the PATH.</summary>
    private static string DotNetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
