using Microsoft.Data.Sqlite;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// The SQLite file where a node's LedgerSync keeps its statuses (<c>CR_RECONCILIATION_STATUS</c>) and its job queue;
/// LedgerSync.Dapper creates the tables on first use.
/// </summary>
internal sealed class LedgerSyncDatabase(string path)
{
    public string Path { get; } = path;

    public SqliteConnection CreateConnection() =>
        new(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString());
}
