using System.Data.Common;
using LedgerSync.Dapper;
using LedgerSync.Ledger;
using Microsoft.Data.Sqlite;

namespace LedgerSync.Tests.TransactionSources;

/// <summary>SQLite, host tables in the "one row per transaction, delimited text" shape.</summary>
public sealed class SqliteSqlTransactionSourceTests : SqlTransactionSourceTests
{
    private string _path = null!;

    protected override SqlDialect Dialect => SqlDialect.Sqlite;

    protected override string Query => "SELECT tx_id AS id, deps AS dependencies, parties AS participants FROM host_transactions";

    protected override DbConnection CreateConnection() => new SqliteConnection($"Data Source={_path};Pooling=False");

    protected override async Task CreateTablesAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), $"ledgersync-source-{Guid.NewGuid():N}.db");
        await ExecuteAsync(CreateConnection(), "CREATE TABLE host_transactions (tx_id TEXT PRIMARY KEY, deps TEXT, parties TEXT)");
    }

    protected override async Task InsertAsync(IEnumerable<TransactionMetadata> transactions)
    {
        await using var connection = (SqliteConnection)CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var t in transactions)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO host_transactions VALUES ($id, $deps, $parties)";
            command.Parameters.AddWithValue("$id", t.Id.ToString().ToLowerInvariant());
            command.Parameters.AddWithValue("$deps", t.Dependencies.IsEmpty ? DBNull.Value : string.Join(", ", t.Dependencies));
            command.Parameters.AddWithValue("$parties", string.Join(";", t.Participants));
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    protected override Task InsertRawAsync(string id, string? dependencies, string? participants) =>
        ExecuteAsync(CreateConnection(), "INSERT INTO host_transactions VALUES (@id, @dependencies, @participants)", new { id, dependencies, participants });

    [TearDown]
    public void DeleteDatabase()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}

/// <summary>SQLite, host tables in the normalized "transaction + dependency + participant tables" shape, aggregated in the query.</summary>
public sealed class SqliteNormalizedSqlTransactionSourceTests : SqlTransactionSourceTests
{
    private string _path = null!;

    protected override SqlDialect Dialect => SqlDialect.Sqlite;

    protected override string Query => """
        SELECT t.id AS id,
               (SELECT group_concat(d.dependency_id, ',') FROM tx_dependency d WHERE d.tx_id = t.id) AS dependencies,
               (SELECT group_concat(p.party, ';') FROM tx_participant p WHERE p.tx_id = t.id) AS participants
        FROM tx t
        """;

    protected override DbConnection CreateConnection() => new SqliteConnection($"Data Source={_path};Pooling=False");

    protected override async Task CreateTablesAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), $"ledgersync-source-{Guid.NewGuid():N}.db");
        await ExecuteAsync(CreateConnection(), """
            CREATE TABLE tx (id TEXT PRIMARY KEY);
            CREATE TABLE tx_dependency (tx_id TEXT NOT NULL, dependency_id TEXT NOT NULL);
            CREATE INDEX tx_dependency_tx ON tx_dependency (tx_id);
            CREATE TABLE tx_participant (tx_id TEXT NOT NULL, party TEXT NOT NULL);
            CREATE INDEX tx_participant_tx ON tx_participant (tx_id);
            """);
    }

    protected override async Task InsertAsync(IEnumerable<TransactionMetadata> transactions)
    {
        await using var connection = (SqliteConnection)CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var t in transactions)
        {
            await Run(connection, "INSERT INTO tx VALUES ($a)", t.Id.ToString(), null);
            foreach (var dependency in t.Dependencies)
            {
                await Run(connection, "INSERT INTO tx_dependency VALUES ($a, $b)", t.Id.ToString(), dependency.ToString());
            }

            foreach (var party in t.Participants)
            {
                await Run(connection, "INSERT INTO tx_participant VALUES ($a, $b)", t.Id.ToString(), party.ToString());
            }
        }

        await transaction.CommitAsync();
    }

    protected override async Task InsertRawAsync(string id, string? dependencies, string? participants)
    {
        await using var connection = (SqliteConnection)CreateConnection();
        await connection.OpenAsync();
        await Run(connection, "INSERT INTO tx VALUES ($a)", id, null);
        if (dependencies is not null)
        {
            await Run(connection, "INSERT INTO tx_dependency VALUES ($a, $b)", id, dependencies);
        }

        if (participants is not null)
        {
            await Run(connection, "INSERT INTO tx_participant VALUES ($a, $b)", id, participants);
        }
    }

    [TearDown]
    public void DeleteDatabase()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private static async Task Run(SqliteConnection connection, string sql, string a, string? b)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$a", a);
        if (b is not null)
        {
            command.Parameters.AddWithValue("$b", b);
        }

        await command.ExecuteNonQueryAsync();
    }
}
