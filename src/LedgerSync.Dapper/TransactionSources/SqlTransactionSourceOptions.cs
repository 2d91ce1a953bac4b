using System.Data.Common;

namespace LedgerSync.Dapper.TransactionSources;

/// <summary>How <see cref="SqlTransactionSource"/> reads a host's ledger tables.</summary>
public sealed class SqlTransactionSourceOptions
{
    /// <summary>
    /// Creates a new (closed or open) connection to the host's database; the source opens it if needed and disposes it
    /// after each page. Required. Never logged.
    /// </summary>
    public Func<DbConnection>? ConnectionFactory { get; set; }

    /// <summary>The SQL dialect of the database. Default <see cref="SqlDialect.Sqlite"/>.</summary>
    public SqlDialect Dialect { get; set; } = SqlDialect.Sqlite;

    /// <summary>
    /// A <c>SELECT</c> returning one row per transaction with three columns named <c>id</c>, <c>dependencies</c> and
    /// <c>participants</c> (see <see cref="SqlTransactionSource"/> for the accepted value shapes). The source wraps it
    /// for keyset paging: <c>SELECT ... FROM (query) AS t WHERE t.id &gt; @after ORDER BY t.id LIMIT @pageSize</c>, so
    /// it must not itself end with <c>ORDER BY</c>/<c>LIMIT</c> or a semicolon. Required.
    /// </summary>
    public string? Query { get; set; }

    /// <summary>Whether to count the rows first (<c>SELECT COUNT(*) FROM (query)</c>) so progress shows a percentage. Default <see langword="true"/>.</summary>
    public bool CountTotal { get; set; } = true;

    /// <summary>The command timeout in seconds; <see langword="null"/> for the driver's default.</summary>
    public int? CommandTimeoutSeconds { get; set; }
}
