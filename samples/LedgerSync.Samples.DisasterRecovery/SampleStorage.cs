using Microsoft.Extensions.DependencyInjection;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>Where a node keeps LedgerSync's statuses and job queue: in its own SQLite database.</summary>
internal static class SampleStorage
{
    public static void UseSqliteStorage(ILedgerSyncBuilder builder, LedgerDatabase database)
    {
        // TODO(samples): switch to LedgerSync.Dapper's SQLite status store and job queue once they land.
        _ = builder;
        _ = database;
    }
}
