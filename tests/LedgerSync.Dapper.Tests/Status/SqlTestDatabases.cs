using System.Data.Common;
using Dapper;
using LedgerSync.Dapper;
using LedgerSync.Testing.PostgreSql;
using Microsoft.Data.Sqlite;

namespace LedgerSync.Tests.Status;

/// <summary>A database for the SQL store tests: a temporary SQLite file, or a throwaway PostgreSQL database.</summary>
internal sealed class SqlTestDatabase : IAsyncDisposable
{
    private readonly string? _sqlitePath;
    private readonly PostgreSqlTestDatabase? _postgres;

    private SqlTestDatabase(SqlDialect dialect, string? sqlitePath, PostgreSqlTestDatabase? postgres)
    {
        Dialect = dialect;
        _sqlitePath = sqlitePath;
        _postgres = postgres;
    }

    public SqlDialect Dialect { get; }

    public static async Task<SqlTestDatabase> CreateAsync(SqlDialect dialect)
    {
        if (dialect == SqlDialect.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), $"ledgersync-status-{Guid.NewGuid():N}.db");
            return new SqlTestDatabase(dialect, path, null);
        }

        return new SqlTestDatabase(dialect, null, await PostgreSqlTestDatabase.CreateAsync());
    }

    public DbConnection CreateConnection() =>
        _postgres is not null ? _postgres.CreateConnection() : new SqliteConnection(SqliteConnectionString);

    /// <summary>A data source for the database (Npgsql's own on PostgreSQL; the provider factory's generic one on SQLite). The caller disposes it.</summary>
    public DbDataSource CreateDataSource() =>
        _postgres is not null ? Npgsql.NpgsqlDataSource.Create(_postgres.ConnectionString) : SqliteFactory.Instance.CreateDataSource(SqliteConnectionString);

    private string SqliteConnectionString => $"Data Source={_sqlitePath};Default Timeout=30";

    /// <summary>Empties the reconciliation tables (if they exist) so each test starts clean.</summary>
    public async Task ResetAsync()
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync();
        foreach (var table in new[] { "CR_RECONCILIATION_STATUS", "CR_RECONCILIATION_RUN_HISTORY", "CR_RECONCILIATION_JOB" })
        {
            var exists = Dialect == SqlDialect.Sqlite
                ? await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table", new { table }) > 0
                : await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = lower(@table)", new { table }) > 0;
            if (exists)
            {
                await connection.ExecuteAsync($"DELETE FROM {table}");
            }
        }

        await connection.ExecuteAsync(Dialect == SqlDialect.Sqlite
            ? "DROP TRIGGER IF EXISTS fail_history"
            : "DROP TRIGGER IF EXISTS fail_history ON CR_RECONCILIATION_RUN_HISTORY");
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm", _sqlitePath + "-journal" })
            {
                File.Delete(file);
            }
        }
    }
}
