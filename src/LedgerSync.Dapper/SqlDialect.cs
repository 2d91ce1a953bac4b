namespace LedgerSync.Dapper;

/// <summary>The SQL dialects LedgerSync's storage speaks.</summary>
public enum SqlDialect
{
    /// <summary>SQLite (the embedded default), for example through Microsoft.Data.Sqlite.</summary>
    Sqlite,

    /// <summary>PostgreSQL, for example through Npgsql.</summary>
    PostgreSql,
}
