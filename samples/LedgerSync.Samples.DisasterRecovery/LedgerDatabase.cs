using Dapper;
using Microsoft.Data.Sqlite;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// A node's SQLite database: the host's own ledger tables (a transaction table and two link tables, as a vault might
/// keep them) and, beside them, LedgerSync's status table and job queue. LedgerSync reads the ledger only through
/// <see cref="TransactionSourceQuery"/>.
/// </summary>
internal sealed class LedgerDatabase
{
    /// <summary>
    /// What the SQL transaction source runs (it adds the keyset paging around it): one row per transaction with its
    /// ID, its dependencies as comma-separated hex, and its participants separated by semicolons.
    /// </summary>
    public const string TransactionSourceQuery =
        """
        SELECT tx.id AS id,
               (SELECT group_concat(d.depends_on, ',') FROM ledger_transaction_dependencies d WHERE d.transaction_id = tx.id) AS dependencies,
               (SELECT group_concat(p.party_name, ';') FROM ledger_transaction_participants p WHERE p.transaction_id = tx.id) AS participants
        FROM ledger_transactions tx
        """;

    /// <summary>
    /// What the generic SQL sink runs for each recovered transaction, in one database transaction: the row and its
    /// links, each insert idempotent (a resumed recovery may store a transaction twice). <c>@dependencies</c> and
    /// <c>@participants</c> are JSON arrays from the decoded metadata; the sequence continues A's own.
    /// </summary>
    public const string RecoveredTransactionInsertSql =
        """
        INSERT INTO ledger_transactions (id, sequence, payload)
            VALUES (@id, (SELECT COALESCE(MAX(sequence), 0) + 1 FROM ledger_transactions), @payload) ON CONFLICT DO NOTHING;
        INSERT INTO ledger_transaction_dependencies (transaction_id, depends_on)
            SELECT @id, value FROM json_each(@dependencies) WHERE true ON CONFLICT DO NOTHING;
        INSERT INTO ledger_transaction_participants (transaction_id, party_name)
            SELECT @id, value FROM json_each(@participants) WHERE true ON CONFLICT DO NOTHING;
        """;

    private const string Schema =
        """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS ledger_transactions (
            id TEXT NOT NULL PRIMARY KEY,
            sequence INTEGER NOT NULL,
            payload BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS ledger_transaction_dependencies (
            transaction_id TEXT NOT NULL,
            depends_on TEXT NOT NULL,
            PRIMARY KEY (transaction_id, depends_on));
        CREATE TABLE IF NOT EXISTS ledger_transaction_participants (
            transaction_id TEXT NOT NULL,
            party_name TEXT NOT NULL,
            PRIMARY KEY (transaction_id, party_name));
        """;

    public LedgerDatabase(string path)
    {
        Path = path;
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The connection string (never printed by LedgerSync).</summary>
    public string ConnectionString { get; }

    public SqliteConnection CreateConnection() => new(ConnectionString);

    public async Task EnsureCreatedAsync()
    {
        await using var connection = CreateConnection();
        await connection.ExecuteAsync(Schema);
    }

    /// <summary>Stores transactions in one database transaction, as the host does when it records new business.</summary>
    public async Task InsertAsync(IReadOnlyCollection<LedgerTransaction> transactions)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO ledger_transactions (id, sequence, payload) VALUES (@Id, @Sequence, @Payload)",
            transactions.Select(t => new { Id = t.Id.ToString(), t.Sequence, t.Payload }),
            transaction);
        await connection.ExecuteAsync(
            "INSERT INTO ledger_transaction_dependencies (transaction_id, depends_on) VALUES (@Id, @DependsOn)",
            transactions.SelectMany(t => t.Dependencies.Select(d => new { Id = t.Id.ToString(), DependsOn = d.ToString() })),
            transaction);
        await connection.ExecuteAsync(
            "INSERT INTO ledger_transaction_participants (transaction_id, party_name) VALUES (@Id, @Party)",
            transactions.SelectMany(t => t.Participants.Select(p => new { Id = t.Id.ToString(), Party = p.ToString() })),
            transaction);
        await transaction.CommitAsync();
    }

    public async Task<long> CountAsync()
    {
        await using var connection = CreateConnection();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ledger_transactions");
    }

    /// <summary>For the sample's final check: the IDs the ledger holds.</summary>
    public async Task<HashSet<TransactionId>> ReadAllIdsAsync()
    {
        await using var connection = CreateConnection();
        var ids = await connection.QueryAsync<string>("SELECT id FROM ledger_transactions");
        return [.. ids.Select(TransactionId.Parse)];
    }
}
