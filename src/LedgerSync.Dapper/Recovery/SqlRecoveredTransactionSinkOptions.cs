using System.Data.Common;

namespace LedgerSync.Dapper.Recovery;

/// <summary>Where <see cref="SqlRecoveredTransactionSink"/> stores the transactions a requester recovers.</summary>
/// <remarks>
/// Either name a table (<see cref="Table"/>, <see cref="IdColumn"/>, <see cref="PayloadColumn"/>; the ID column must
/// be unique, for example the primary key), and the sink runs
/// <c>INSERT INTO table (id, payload) VALUES (@id, @payload) ON CONFLICT DO NOTHING</c>; or give
/// <see cref="InsertSql"/>, one or more statements run in one database transaction with the parameters
/// <c>@id</c> (the ID in <see cref="IdFormat"/>), <c>@payload</c> (the bytes), <c>@dependencies</c> and
/// <c>@participants</c> (JSON arrays of text: the decoded metadata's IDs in upper-case hex and X.500 names, for
/// SQLite's <c>json_each</c> or PostgreSQL's <c>json_array_elements_text</c>), and <c>@counterparty</c> (the party it
/// came from). Either way the store must be idempotent: storing a transaction twice changes nothing.
/// </remarks>
public sealed class SqlRecoveredTransactionSinkOptions
{
    /// <summary>Creates a new (closed or open) connection to the host's database for each store. Required. Never logged.</summary>
    public Func<DbConnection>? ConnectionFactory { get; set; }

    /// <summary>The SQL dialect of the database. Default <see cref="SqlDialect.Sqlite"/>.</summary>
    public SqlDialect Dialect { get; set; } = SqlDialect.Sqlite;

    /// <summary>The table the transactions go into (a plain identifier, optionally <c>schema.table</c>); used when <see cref="InsertSql"/> is not set.</summary>
    public string? Table { get; set; }

    /// <summary>The (unique) ID column of <see cref="Table"/>. Default <c>id</c>.</summary>
    public string IdColumn { get; set; } = "id";

    /// <summary>The payload column of <see cref="Table"/> (a blob/<c>bytea</c>). Default <c>payload</c>.</summary>
    public string PayloadColumn { get; set; } = "payload";

    /// <summary>Instead of a table: the statements that store one transaction, idempotently (see the remarks for the parameters).</summary>
    public string? InsertSql { get; set; }

    /// <summary>How the ID column stores IDs. Default <see cref="SqlTransactionIdFormat.UpperCaseHex"/>.</summary>
    public SqlTransactionIdFormat IdFormat { get; set; } = SqlTransactionIdFormat.UpperCaseHex;

    /// <summary>The command timeout in seconds; <see langword="null"/> for the driver's default.</summary>
    public int? CommandTimeoutSeconds { get; set; }
}
