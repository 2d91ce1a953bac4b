using LedgerSync;
using LedgerSync.Samples.DisasterRecovery;

return await SampleOptions.InvokeAsync(args, RunAsync);

static async Task<int> RunAsync(SampleOptions options, CancellationToken cancellationToken)
{
    if (options.JsonLogs)
    {
        // stdout carries the JSON log entries and nothing else; the walkthrough goes to stderr. The console logger
        // writes to Console.Error (it is told to), which now is the process's stdout.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        Console.SetError(stdout);
    }

    var temporary = options.DataDirectory is null;
    var dataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "ledgersync-disaster-recovery-" + Guid.NewGuid().ToString("N")[..8]);
    Directory.CreateDirectory(dataDirectory);
    foreach (var name in new[] { "partya.db", "partyb.db", "partya-ledgersync.db", "partyb-ledgersync.db", "partya-backup/partya.db", "partya-backup/partya-ledgersync.db" })
    {
        SqliteBackup.Delete(Path.Combine(dataDirectory, name));
    }

    Console.WriteLine("LedgerSync disaster-recovery sample");
    Console.WriteLine($"  {options.Transactions:N0} shared transactions, {options.Missing:N0} lost by A, seed {options.Seed}, transport {options.Transport.ToString().ToLowerInvariant()}");
    Console.WriteLine($"  data directory: {dataDirectory}{(temporary ? " (temporary)" : string.Empty)}");

    try
    {
        return await new DisasterRecoveryScenario(options, dataDirectory).RunAsync();
    }
    catch (LedgerSyncException e)
    {
        Console.WriteLine();
        Console.WriteLine($"FAILED: {e.GetType().Name}: {e.Message}");
        return 1;
    }
    #pragma warning disable CA1031 // The sample reports any failure as its exit code.
    catch (Exception e)
    #pragma warning restore CA1031
    {
        Console.WriteLine();
        Console.WriteLine($"FAILED: {e}");
        return 1;
    }
    finally
    {
        if (temporary)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the operating system cleans its temporary directory.
            }
        }
    }
}
