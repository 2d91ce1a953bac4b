using System.Collections.Immutable;
using System.Text;
using Dapper;
using LedgerSync.Ledger;
using Microsoft.Data.Sqlite;

namespace LedgerSync.Samples.Node;

/// <summary>
/// The node's own ledger: one SQLite table of transactions with their dependencies and participants as text. For the
/// demo, the shell's <c>record</c> command adds transactions with a counterparty whose IDs both nodes derive the same
/// way (from the two parties and a running number), so two nodes that record different counts with each other hold
/// the same first transactions and differ in the rest.
/// </summary>
internal sealed class NodeLedger(string path)
{
    /// <summary>What LedgerSync's SQL transaction source reads (it adds the keyset paging).</summary>
    public const string TransactionSourceQuery = "SELECT id, dependencies, participants FROM ledger_transactions";

    /// <summary>
    /// What the generic SQL payload source serves for recovery: the row as <see cref="NodeTransactionCodec"/>'s three
    /// lines (key, dependencies, participants), built by SQLite from the columns.
    /// </summary>
    public const string PayloadQuery =
        "SELECT id, CAST('" + NodeTransactionCodec.Prefix + "' || series || '|' || series_index || char(10) || dependencies || char(10) || participants AS BLOB) AS payload FROM ledger_transactions";

    public string Path { get; } = path;

    public SqliteConnection CreateConnection() =>
        new(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString());

    public async Task EnsureCreatedAsync()
    {
        await using var connection = CreateConnection();
        await connection.ExecuteAsync(
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS ledger_transactions (
                id TEXT NOT NULL PRIMARY KEY,
                dependencies TEXT NOT NULL,
                participants TEXT NOT NULL,
                series TEXT NOT NULL,
                series_index INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS ledger_transactions_series ON ledger_transactions (series, series_index);
            """);
    }

    public async Task<long> CountAsync()
    {
        await using var connection = CreateConnection();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ledger_transactions");
    }

    /// <summary>
    /// Appends <paramref name="count"/> transactions between <paramref name="self"/> and <paramref name="counterparty"/>,
    /// each spending the previous one (a back-chain), and returns them for the ledger graph.
    /// </summary>
    public async Task<List<TransactionMetadata>> RecordAsync(PartyName self, PartyName counterparty, int count)
    {
        ImmutableArray<PartyName> participants = [.. new[] { self, counterparty }.Order()];
        var series = string.Join(";", participants);
        await using var connection = CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var next = await connection.ExecuteScalarAsync<long>(
            "SELECT COALESCE(MAX(series_index) + 1, 0) FROM ledger_transactions WHERE series = @series", new { series }, transaction);
        var previous = next > 0 ? IdOf(series, next - 1) : (TransactionId?)null;
        var recorded = new List<TransactionMetadata>(count);
        for (var index = next; index < next + count; index++)
        {
            var id = IdOf(series, index);
            recorded.Add(new TransactionMetadata(id, previous is { } p ? [p] : [], participants));
            previous = id;
        }

        await connection.ExecuteAsync(
            "INSERT INTO ledger_transactions (id, dependencies, participants, series, series_index) VALUES (@Id, @Dependencies, @Participants, @Series, @Index)",
            recorded.Select((t, i) => new
            {
                Id = t.Id.ToString(),
                Dependencies = string.Join(",", t.Dependencies),
                Participants = series,
                Series = series,
                Index = next + i,
            }),
            transaction);
        await transaction.CommitAsync();
        return recorded;
    }

    private static TransactionId IdOf(string series, long index) =>
        TransactionId.HashOf(Encoding.UTF8.GetBytes($"ledgersync-sample|{series}|{index}"));
}
