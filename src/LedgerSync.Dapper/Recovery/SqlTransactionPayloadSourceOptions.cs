using System.Data.Common;

namespace LedgerSync.Dapper.Recovery;

/// <summary>Where <see cref="SqlTransactionPayloadSource"/> reads the payloads a responder serves for recovery.</summary>
/// <remarks>
/// Either name a table (<see cref="Table"/>, <see cref="IdColumn"/>, <see cref="PayloadColumn"/>), or give a
/// <see cref="Query"/> returning the columns <c>id</c> and <c>payload</c> (for example a serialization the host builds
/// from its ledger tables). The source looks rows up by ID, so the ID column should be indexed (a primary key).
/// </remarks>
public sealed class SqlTransactionPayloadSourceOptions
{
    /// <summary>Creates a new (closed or open) connection to the host's database for each read. Required. Never logged.</summary>
    public Func<DbConnection>? ConnectionFactory { get; set; }

    /// <summary>The SQL dialect of the database. Default <see cref="SqlDialect.Sqlite"/>.</summary>
    public SqlDialect Dialect { get; set; } = SqlDialect.Sqlite;

    /// <summary>The table holding the payloads (a plain identifier, optionally <c>schema.table</c>); used when <see cref="Query"/> is not set.</summary>
    public string? Table { get; set; }

    /// <summary>The ID column of <see cref="Table"/>. Default <c>id</c>.</summary>
    public string IdColumn { get; set; } = "id";

    /// <summary>The payload column of <see cref="Table"/>: a blob/<c>bytea</c>, or text (served as its UTF-8 bytes). Default <c>payload</c>.</summary>
    public string PayloadColumn { get; set; } = "payload";

    /// <summary>
    /// Instead of a table: a <c>SELECT</c> returning one row per transaction with the columns <c>id</c> and
    /// <c>payload</c>. The source wraps it as <c>SELECT ... FROM (query) AS t WHERE t.id = @id</c>, so it must not end
    /// with a semicolon.
    /// </summary>
    public string? Query { get; set; }

    /// <summary>How the ID column stores IDs. Default <see cref="SqlTransactionIdFormat.UpperCaseHex"/>.</summary>
    public SqlTransactionIdFormat IdFormat { get; set; } = SqlTransactionIdFormat.UpperCaseHex;

    /// <summary>
    /// Payloads up to this many bytes are read into memory in one go; longer ones are streamed from the database in
    /// chunks (the connection stays open until the payload has been sent). Default 1 MiB.
    /// </summary>
    public int BufferedPayloadLimit { get; set; } = 1 << 20;

    /// <summary>The command timeout in seconds; <see langword="null"/> for the driver's default.</summary>
    public int? CommandTimeoutSeconds { get; set; }
}
