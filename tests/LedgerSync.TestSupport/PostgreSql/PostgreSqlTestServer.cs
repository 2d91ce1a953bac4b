using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LedgerSync.Testing.PostgreSql;

/// <summary>
/// The PostgreSQL server the tests use, found or started once per test process: the server named by
/// <c>LEDGERSYNC_TEST_POSTGRES</c> if set; otherwise a throwaway server started from the installed binaries
/// (<c>/usr/lib/postgresql/*/bin</c>) on a temporary directory and a free loopback port, run as the <c>postgres</c>
/// system user when the tests run as root (PostgreSQL refuses to run as root). The throwaway server and its directory
/// are removed when the process exits, and leftovers of killed runs are removed the next time.
/// </summary>
public sealed class PostgreSqlTestServer
{
    /// <summary>The environment variable holding a connection string to an existing server (the user must be allowed to create databases).</summary>
    public const string EnvironmentVariable = "LEDGERSYNC_TEST_POSTGRES";

    private const string DirectoryPrefix = "ledgersync-pg-";
    private const string HowToEnable =
        "To run the PostgreSQL tests, install PostgreSQL's server (Debian/Ubuntu: apt-get install -y postgresql; or run .ci/install-deps) " +
        $"or set {EnvironmentVariable} to a connection string of a server where the user may create databases.";

    private static readonly string[] RunuserLocations = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgreSqlTestServer? _current;
    private static int _users;

    private readonly Action? _stop;

    private PostgreSqlTestServer(string? adminConnectionString, string? unavailableReason, Action? stop = null)
    {
        AdminConnectionString = adminConnectionString;
        UnavailableReason = unavailableReason;
        _stop = stop;
    }

    /// <summary>A connection string to the server's maintenance database, or <see langword="null"/> if no server is available.</summary>
    public string? AdminConnectionString { get; }

    /// <summary>Why no server is available (including how to enable the tests), or <see langword="null"/>.</summary>
    public string? UnavailableReason { get; }

    /// <summary>
    /// Takes a reference to the shared server, starting it if needed. Every call must be matched by
    /// <see cref="ReleaseAsync"/>; a throwaway server is stopped and deleted when the last reference is released (and,
    /// failing that, when the process exits).
    /// </summary>
    public static async Task<PostgreSqlTestServer> AcquireAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _current ??= await StartAsync();
            _users++;
            return _current;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Releases a reference taken by <see cref="AcquireAsync"/>.</summary>
    public static async Task ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (--_users == 0 && _current is { } server)
            {
                _current = null;
                server._stop?.Invoke();
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<PostgreSqlTestServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgreSqlTestServer(configured, null);
        }

        var bin = FindBinaries();
        if (bin is null)
        {
            return Unavailable("No PostgreSQL server binaries (initdb, pg_ctl) were found under /usr/lib/postgresql/*/bin.");
        }

        string[] runAs = [];
        var isRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        if (isRoot)
        {
            var runuser = RunuserLocations.FirstOrDefault(File.Exists);
            if (runuser is null || (await RunAsync("id", ["-u", "postgres"], TimeSpan.FromSeconds(10))).ExitCode != 0)
            {
                return Unavailable("The tests run as root, PostgreSQL refuses to, and there is no 'postgres' system user with runuser to run it as.");
            }

            runAs = [runuser, "-u", "postgres", "--"];
        }

        await RemoveLeftoversAsync(bin, runAs);

        var directory = Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..(DirectoryPrefix.Length + 20)]);
        Directory.CreateDirectory(directory);
        try
        {
            if (isRoot)
            {
                var chown = await RunAsync("chown", ["postgres:postgres", directory], TimeSpan.FromSeconds(10));
                if (chown.ExitCode != 0)
                {
                    throw new InvalidOperationException($"chown failed: {chown.Output}");
                }
            }

            var data = Path.Combine(directory, "data");
            var initdb = await RunAsync(runAs, Path.Combine(bin, "initdb"),
                ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], TimeSpan.FromMinutes(2));
            if (initdb.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed: {initdb.Output}");
            }

            var port = FreeLoopbackPort();
            var serverOptions = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            var start = await RunAsync(runAs, Path.Combine(bin, "pg_ctl"),
                ["-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", serverOptions, "start"], TimeSpan.FromMinutes(2));
            if (start.ExitCode != 0)
            {
                var log = File.Exists(Path.Combine(directory, "server.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "server.log")) : string.Empty;
                throw new InvalidOperationException($"pg_ctl start failed: {start.Output} {log}");
            }

            var stopped = 0;
            void StopOnce()
            {
                if (Interlocked.Exchange(ref stopped, 1) == 0)
                {
                    Stop(bin, runAs, directory);
                }
            }

            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopOnce();
            return new PostgreSqlTestServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Timeout=30", null, StopOnce);
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            Stop(bin, runAs, directory);
            return Unavailable($"A throwaway PostgreSQL server could not be started ({exception.Message.Trim()}).");
        }
    }

    private static PostgreSqlTestServer Unavailable(string reason) => new(null, $"{reason} {HowToEnable}");

    private static string? FindBinaries()
    {
        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.GetDirectories(Root)
            .Select(version => (Version: int.TryParse(Path.GetFileName(version), out var number) ? number : 0, Bin: Path.Combine(version, "bin")))
            .Where(candidate => File.Exists(Path.Combine(candidate.Bin, "initdb")) && File.Exists(Path.Combine(candidate.Bin, "pg_ctl")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Servers of test processes that were killed before they could clean up.
    private static async Task RemoveLeftoversAsync(string bin, string[] runAs)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var name = Path.GetFileName(directory)[DirectoryPrefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name[..dash], out var pid) || IsAlive(pid))
            {
                continue;
            }

            if (File.Exists(Path.Combine(directory, "data", "postmaster.pid")))
            {
                await RunAsync(runAs, Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(directory, "data"), "-m", "immediate", "stop"], TimeSpan.FromSeconds(30));
            }

            TryDelete(directory);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Stop(string bin, string[] runAs, string directory)
    {
        var data = Path.Combine(directory, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            RunAsync(runAs, Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }

        TryDelete(directory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's leftover sweep.
        }
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, TimeSpan timeout) =>
        RunAsync([], fileName, arguments, timeout);

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] runAs, string fileName, string[] arguments, TimeSpan timeout)
    {
        var command = runAs.Length > 0 ? runAs[0] : fileName;
        var startInfo = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in runAs.Skip(1).Concat(runAs.Length > 0 ? [fileName] : []).Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{command} did not start.");
        using var cancellation = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = process.StandardError.ReadToEndAsync(cancellation.Token);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
            return (process.ExitCode, $"{await output}{await error}".Trim());
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{Path.GetFileName(fileName)} timed out after {timeout.TotalSeconds:F0} s");
        }
    }
}
