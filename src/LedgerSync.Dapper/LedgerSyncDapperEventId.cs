namespace LedgerSync.Dapper;

/// <summary>
/// The event IDs of the SQL storage package's log messages (range 4000–4999), one named constant per event.
/// </summary>
public static class LedgerSyncDapperEventId
{
    // Storage (4000–4999)

    /// <summary>Information: <c>Reconciliation schema migrated to version {Version} ({Dialect})</c></summary>
    public const int SchemaMigrated = 4000;
}
