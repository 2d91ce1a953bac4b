using System.Collections.Immutable;
using System.Text;
using Dapper;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Recovery;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Tests.Status;

namespace LedgerSync.Tests.Recovery;

/// <summary>The generic-table payload source (responder) and sink (requester) on SQLite and PostgreSQL.</summary>
public abstract class SqlRecoveryPlugInTests(SqlDialect dialect)
{
    private static readonly PartyName A = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName B = PartyName.Parse("O=PartyB, L=London, C=GB");

    private SqlTestDatabase _database = null!;

    private string Blob => dialect == SqlDialect.Sqlite ? "BLOB" : "BYTEA";

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await SqlTestDatabase.CreateAsync(dialect);

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [SetUp]
    public async Task CreateTables()
    {
        await ExecuteAsync("DROP TABLE IF EXISTS host_tx");
        await ExecuteAsync("DROP TABLE IF EXISTS host_tx_bytes");
        await ExecuteAsync("DROP TABLE IF EXISTS host_tx_parts");
        await ExecuteAsync($"CREATE TABLE host_tx (id VARCHAR(64) NOT NULL PRIMARY KEY, payload {Blob} NOT NULL, note TEXT NULL)");
        await ExecuteAsync($"CREATE TABLE host_tx_bytes (tx_key {Blob} NOT NULL PRIMARY KEY, body {Blob} NOT NULL)");
        await ExecuteAsync("CREATE TABLE host_tx_parts (transaction_id VARCHAR(64) NOT NULL, kind VARCHAR(16) NOT NULL, value TEXT NOT NULL, PRIMARY KEY (transaction_id, kind, value))");
    }

    [Test]
    public async Task OpenAsync_StoredPayload_ReturnsItsBytesAndLength()
    {
        var (id, payload) = Transaction(1, 300);
        await ExecuteAsync("INSERT INTO host_tx (id, payload) VALUES (@id, @payload)", new { id = id.ToString(), payload });
        var source = new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions { Dialect = dialect, ConnectionFactory = _database.CreateConnection, Table = "host_tx" });

        await using var opened = await source.OpenAsync(id);

        Assert.That(opened, Is.Not.Null);
        Assert.That(opened!.Length, Is.EqualTo(300));
        Assert.That(await ReadAllAsync(opened), Is.EqualTo(payload));
    }

    [Test]
    public async Task OpenAsync_UnknownId_ReturnsNull()
    {
        var source = new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions { Dialect = dialect, ConnectionFactory = _database.CreateConnection, Table = "host_tx" });

        Assert.That(await source.OpenAsync(Transaction(2, 10).Id), Is.Null);
    }

    [Test]
    public async Task OpenAsync_PayloadAboveBufferedLimit_StreamsExactlyItsBytes()
    {
        var (id, payload) = Transaction(3, 200_000);
        await ExecuteAsync("INSERT INTO host_tx (id, payload) VALUES (@id, @payload)", new { id = id.ToString(), payload });
        var source = new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions
        {
            Dialect = dialect,
            ConnectionFactory = _database.CreateConnection,
            Table = "host_tx",
            BufferedPayloadLimit = 1024,
        });

        await using var opened = await source.OpenAsync(id);

        Assert.That(opened!.Length, Is.EqualTo(200_000));
        Assert.That(await ReadAllAsync(opened), Is.EqualTo(payload));
    }

    [Test]
    public async Task OpenAsync_QueryOverTextColumn_ServesItsUtf8Bytes()
    {
        var (id, _) = Transaction(4, 1);
        await ExecuteAsync("INSERT INTO host_tx (id, payload, note) VALUES (@id, @payload, @note)", new { id = id.ToString(), payload = new byte[1], note = "héllo ledger" });
        var source = new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions
        {
            Dialect = dialect,
            ConnectionFactory = _database.CreateConnection,
            Query = "SELECT id, note AS payload FROM host_tx;",
        });

        await using var opened = await source.OpenAsync(id);

        Assert.That(await ReadAllAsync(opened!), Is.EqualTo(Encoding.UTF8.GetBytes("héllo ledger")));
        Assert.That(opened!.Length, Is.EqualTo(Encoding.UTF8.GetByteCount("héllo ledger")));
    }

    [Test]
    public async Task OpenAsync_BinaryIdColumn_FindsTheRowByItsRawId()
    {
        var (id, payload) = Transaction(5, 64);
        await ExecuteAsync("INSERT INTO host_tx_bytes (tx_key, body) VALUES (@key, @payload)", new { key = id.ToByteArray(), payload });
        var source = new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions
        {
            Dialect = dialect,
            ConnectionFactory = _database.CreateConnection,
            Table = "host_tx_bytes",
            IdColumn = "tx_key",
            PayloadColumn = "body",
            IdFormat = SqlTransactionIdFormat.Bytes,
        });

        await using var opened = await source.OpenAsync(id);

        Assert.That(await ReadAllAsync(opened!), Is.EqualTo(payload));
    }

    [TestCase("host_tx; DROP TABLE host_tx")]
    [TestCase("host tx")]
    [TestCase("")]
    [TestCase("a.b.c")]
    public void Constructor_TableNotAPlainIdentifier_ThrowsNamingTheOption(string table)
    {
        Assert.That(
            () => new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions { ConnectionFactory = _database.CreateConnection, Table = table }),
            Throws.ArgumentException.With.Message.Contains("SqlTransactionPayloadSourceOptions.Table"));
        Assert.That(
            () => new SqlRecoveredTransactionSink(new SqlRecoveredTransactionSinkOptions { ConnectionFactory = _database.CreateConnection, Table = table }),
            Throws.ArgumentException.With.Message.Contains("SqlRecoveredTransactionSinkOptions.Table"));
    }

    [Test]
    public void Constructor_NeitherTableNorQuery_Throws()
    {
        Assert.That(() => new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions { ConnectionFactory = _database.CreateConnection }), Throws.ArgumentException.With.Message.Contains("Table or a Query"));
        Assert.That(() => new SqlRecoveredTransactionSink(new SqlRecoveredTransactionSinkOptions { ConnectionFactory = _database.CreateConnection }), Throws.ArgumentException.With.Message.Contains("Table or InsertSql"));
        Assert.That(() => new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions { Table = "host_tx" }), Throws.ArgumentException.With.Message.Contains("ConnectionFactory"));
    }

    [Test]
    public async Task StoreAsync_Table_InsertsOnceAndAcceptsAgain()
    {
        var sink = new SqlRecoveredTransactionSink(new SqlRecoveredTransactionSinkOptions { Dialect = dialect, ConnectionFactory = _database.CreateConnection, Table = "host_tx" });
        var transaction = Recovered(6, 128);

        var first = await sink.StoreAsync(transaction);
        var second = await sink.StoreAsync(transaction);

        Assert.That(first.IsAccepted, Is.True);
        Assert.That(second.IsAccepted, Is.True);
        await using var connection = _database.CreateConnection();
        var rows = (await connection.QueryAsync<byte[]>("SELECT payload FROM host_tx WHERE id = @id", new { id = transaction.Id.ToString() })).ToList();
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(rows[0], Is.EqualTo(transaction.Payload.ToArray()));
    }

    [Test]
    public async Task StoreAsync_ThenPayloadSource_ServesWhatTheSinkStored()
    {
        var sink = new SqlRecoveredTransactionSink(new SqlRecoveredTransactionSinkOptions { Dialect = dialect, ConnectionFactory = _database.CreateConnection, Table = "host_tx_bytes", IdColumn = "tx_key", PayloadColumn = "body", IdFormat = SqlTransactionIdFormat.Bytes });
        var source = new SqlTransactionPayloadSource(new SqlTransactionPayloadSourceOptions { Dialect = dialect, ConnectionFactory = _database.CreateConnection, Table = "host_tx_bytes", IdColumn = "tx_key", PayloadColumn = "body", IdFormat = SqlTransactionIdFormat.Bytes });
        var transaction = Recovered(7, 1000);

        await sink.StoreAsync(transaction);
        await using var opened = await source.OpenAsync(transaction.Id);

        Assert.That(await ReadAllAsync(opened!), Is.EqualTo(transaction.Payload.ToArray()));
    }

    [Test]
    public async Task StoreAsync_InsertSql_GetsIdPayloadMetadataAndCounterpartyInOneTransaction()
    {
        var split = dialect == SqlDialect.Sqlite ? "SELECT @id, '{0}', value FROM json_each(@{0}) WHERE true" : "SELECT @id, '{0}', value FROM json_array_elements_text(CAST(@{0} AS json)) WHERE true";
        var sql =
            "INSERT INTO host_tx (id, payload, note) VALUES (@id, @payload, @counterparty) ON CONFLICT DO NOTHING;\n" +
            $"INSERT INTO host_tx_parts (transaction_id, kind, value) {string.Format(null, split, "dependencies")} ON CONFLICT DO NOTHING;\n" +
            $"INSERT INTO host_tx_parts (transaction_id, kind, value) {string.Format(null, split, "participants")} ON CONFLICT DO NOTHING";
        var sink = new SqlRecoveredTransactionSink(new SqlRecoveredTransactionSinkOptions { Dialect = dialect, ConnectionFactory = _database.CreateConnection, InsertSql = sql });
        var dependency = Transaction(8, 8).Id;
        var transaction = Recovered(9, 50, [dependency]);

        await sink.StoreAsync(transaction);
        await sink.StoreAsync(transaction);

        await using var connection = _database.CreateConnection();
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT note FROM host_tx WHERE id = @id", new { id = transaction.Id.ToString() }), Is.EqualTo(B.ToString()));
        var parts = (await connection.QueryAsync<(string Kind, string Value)>("SELECT kind, value FROM host_tx_parts WHERE transaction_id = @id ORDER BY kind, value", new { id = transaction.Id.ToString() })).ToList();
        Assert.That(parts, Is.EqualTo(new List<(string, string)>
        {
            ("dependencies", dependency.ToString()),
            ("participants", A.ToString()),
            ("participants", B.ToString()),
        }));
    }

    [Test]
    public async Task StoreAsync_InsertSqlFails_NothingIsStoredAndTheErrorPropagates()
    {
        var sink = new SqlRecoveredTransactionSink(new SqlRecoveredTransactionSinkOptions
        {
            Dialect = dialect,
            ConnectionFactory = _database.CreateConnection,
            InsertSql = "INSERT INTO host_tx (id, payload) VALUES (@id, @payload); INSERT INTO no_such_table (x) VALUES (1)",
        });
        var transaction = Recovered(10, 20);

        Assert.That(async () => await sink.StoreAsync(transaction), Throws.InstanceOf<System.Data.Common.DbException>());
        await using var connection = _database.CreateConnection();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM host_tx"), Is.Zero);
    }

    private static (TransactionId Id, byte[] Payload) Transaction(int seed, int size)
    {
        var payload = new byte[size];
        new Random(seed).NextBytes(payload);
        return (TransactionId.HashOf(payload), payload);
    }

    private static RecoveredTransaction Recovered(int seed, int size, ImmutableArray<TransactionId> dependencies = default)
    {
        var (id, payload) = Transaction(seed, size);
        return new RecoveredTransaction(id, B, payload, new TransactionMetadata(id, dependencies.IsDefault ? [] : dependencies, [A, B]));
    }

    private static async Task<byte[]> ReadAllAsync(TransactionPayload payload)
    {
        var output = new MemoryStream();
        var buffer = new byte[7000];
        int read;
        while ((read = await payload.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    private async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = _database.CreateConnection();
        await connection.ExecuteAsync(sql, parameters);
    }
}

[TestFixture]
public sealed class SqliteRecoveryPlugInTests() : SqlRecoveryPlugInTests(SqlDialect.Sqlite);

[TestFixture]
[Category("PostgreSQL")]
public sealed class PostgreSqlRecoveryPlugInTests() : SqlRecoveryPlugInTests(SqlDialect.PostgreSql);
