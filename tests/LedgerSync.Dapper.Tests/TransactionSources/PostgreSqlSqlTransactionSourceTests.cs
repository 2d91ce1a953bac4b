using System.Data.Common;
using LedgerSync.Dapper;
using LedgerSync.Ledger;
using LedgerSync.Testing.PostgreSql;
using Npgsql;

namespace LedgerSync.Tests.TransactionSources;

/// <summary>PostgreSQL, host tables normalized with bytea IDs, aggregated into arrays in the query.</summary>
[Category("PostgreSQL")]
public sealed class PostgreSqlSqlTransactionSourceTests : SqlTransactionSourceTests
{
    private PostgreSqlTestDatabase _database = null!;

    protected override SqlDialect Dialect => SqlDialect.PostgreSql;

    protected override string Query => """
        SELECT t.id AS id,
               ARRAY(SELECT d.dependency_id FROM tx_dependency d WHERE d.tx_id = t.id) AS dependencies,
               ARRAY(SELECT p.party FROM tx_participant p WHERE p.tx_id = t.id) AS participants
        FROM tx t
        """;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync() => _database = await PostgreSqlTestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override DbConnection CreateConnection() => _database.CreateConnection();

    protected override Task CreateTablesAsync() => ExecuteAsync(CreateConnection(), """
        DROP TABLE IF EXISTS tx, tx_dependency, tx_participant, tx_text;
        CREATE TABLE tx (id bytea PRIMARY KEY);
        CREATE TABLE tx_dependency (tx_id bytea NOT NULL, dependency_id bytea NOT NULL);
        CREATE INDEX tx_dependency_tx ON tx_dependency (tx_id);
        CREATE TABLE tx_participant (tx_id bytea NOT NULL, party text NOT NULL);
        CREATE INDEX tx_participant_tx ON tx_participant (tx_id);
        """);

    protected override async Task InsertAsync(IEnumerable<TransactionMetadata> transactions)
    {
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var t in transactions)
        {
            batch.BatchCommands.Add(Command("INSERT INTO tx VALUES ($1)", t.Id.ToByteArray()));
            foreach (var dependency in t.Dependencies)
            {
                batch.BatchCommands.Add(Command("INSERT INTO tx_dependency VALUES ($1, $2)", t.Id.ToByteArray(), dependency.ToByteArray()));
            }

            foreach (var party in t.Participants)
            {
                batch.BatchCommands.Add(Command("INSERT INTO tx_participant VALUES ($1, $2)", t.Id.ToByteArray(), party.ToString()));
            }
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync();
        }
    }

    // The bytea shape cannot hold a malformed dependency ID as text: use a dependency of the wrong length instead.
    protected override async Task InsertRawAsync(string id, string? dependencies, string? participants)
    {
        var key = TransactionId.Parse(id).ToByteArray();
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command("INSERT INTO tx VALUES ($1)", key));
        if (dependencies is not null)
        {
            batch.BatchCommands.Add(Command("INSERT INTO tx_dependency VALUES ($1, $2)", key, System.Text.Encoding.UTF8.GetBytes(dependencies)));
        }

        if (participants is not null)
        {
            batch.BatchCommands.Add(Command("INSERT INTO tx_participant VALUES ($1, $2)", key, participants));
        }

        await batch.ExecuteNonQueryAsync();
    }

    [Test]
    public async Task InitializeAsync_TextIdsAndDelimitedText_LoadsEverything()
    {
        var ledger = SqlTestLedger.Random(seed: 21, count: 300);
        await ExecuteAsync(CreateConnection(), "CREATE TABLE tx_text (id text PRIMARY KEY, deps text, parties text)");
        await using (var connection = _database.CreateConnection())
        {
            await connection.OpenAsync();
            await using var batch = new NpgsqlBatch(connection);
            foreach (var t in ledger)
            {
                batch.BatchCommands.Add(Command("INSERT INTO tx_text VALUES ($1, $2, $3)", t.Id.ToString(), string.Join(',', t.Dependencies), string.Join(';', t.Participants)));
            }

            await batch.ExecuteNonQueryAsync();
        }

        var source = new LedgerSync.Dapper.TransactionSources.SqlTransactionSource(new LedgerSync.Dapper.TransactionSources.SqlTransactionSourceOptions
        {
            ConnectionFactory = CreateConnection,
            Dialect = SqlDialect.PostgreSql,
            Query = "SELECT id, deps AS dependencies, parties AS participants FROM tx_text",
        });
        var graph = new LedgerGraph(new LedgerSyncOptions { LocalParty = Local, TransactionReaderPageSize = 64 });

        await graph.InitializeAsync(source);

        Assert.That(graph.Count, Is.EqualTo(ledger.Count));
        Assert.That(graph.IsSelfConsistent, Is.True);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
