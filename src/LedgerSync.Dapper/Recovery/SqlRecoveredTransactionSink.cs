using System.Data;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using LedgerSync.Recovery;

namespace LedgerSync.Dapper.Recovery;

/// <summary>
/// The requester's sink on a generic table: stores each recovered (already verified) transaction with an idempotent
/// insert, in one database transaction, and answers accepted. Storing the same transaction again (a resumed recovery
/// calls the sink at least once per ID) inserts nothing and is accepted too.
/// </summary>
public sealed class SqlRecoveredTransactionSink : IRecoveredTransactionSink
{
    private readonly Func<DbConnection> _connectionFactory;
    private readonly SqlDialect _dialect;
    private readonly string _sql;
    private readonly bool _custom;
    private readonly SqlTransactionIdFormat _idFormat;
    private readonly int? _commandTimeout;

    /// <summary>Creates the sink.</summary>
    /// <param name="options">The connection factory, dialect and table or statements.</param>
    /// <exception cref="ArgumentException">The connection factory is missing, neither a table nor statements are given, or a name is not a plain identifier.</exception>
    public SqlRecoveredTransactionSink(SqlRecoveredTransactionSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connectionFactory = options.ConnectionFactory
            ?? throw new ArgumentException("SqlRecoveredTransactionSinkOptions.ConnectionFactory is required.", nameof(options));
        _dialect = options.Dialect is SqlDialect.Sqlite or SqlDialect.PostgreSql
            ? options.Dialect
            : throw new ArgumentException($"Unknown SQL dialect {options.Dialect}.", nameof(options));
        if (!string.IsNullOrWhiteSpace(options.InsertSql))
        {
            _sql = options.InsertSql;
            _custom = true;
        }
        else if (options.Table is not null)
        {
            var table = SqlIdentifiers.Require(options.Table, "SqlRecoveredTransactionSinkOptions.Table");
            var id = SqlIdentifiers.Require(options.IdColumn, "SqlRecoveredTransactionSinkOptions.IdColumn");
            var payload = SqlIdentifiers.Require(options.PayloadColumn, "SqlRecoveredTransactionSinkOptions.PayloadColumn");
            _sql = $"INSERT INTO {table} ({id}, {payload}) VALUES (@id, @payload) ON CONFLICT DO NOTHING";
        }
        else
        {
            throw new ArgumentException("SqlRecoveredTransactionSinkOptions needs a Table or InsertSql (statements that store one transaction idempotently).", nameof(options));
        }

        _idFormat = options.IdFormat;
        _commandTimeout = options.CommandTimeoutSeconds;
    }

    /// <inheritdoc />
    public async ValueTask<RecoveredTransactionResult> StoreAsync(RecoveredTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var parameters = new DynamicParameters();
        SqlIdentifiers.AddId(parameters, "id", transaction.Id, _idFormat);
        parameters.Add("payload", transaction.Payload.ToArray(), DbType.Binary);
        if (_custom)
        {
            parameters.Add("dependencies", JsonSerializer.Serialize(transaction.Metadata.Dependencies.Select(d => d.ToString()).ToArray(), SqlRecoveryJsonContext.Default.StringArray), DbType.String);
            parameters.Add("participants", JsonSerializer.Serialize(transaction.Metadata.Participants.Select(p => p.ToString()).ToArray(), SqlRecoveryJsonContext.Default.StringArray), DbType.String);
            parameters.Add("counterparty", transaction.Counterparty.ToString(), DbType.String);
        }

        var connection = _connectionFactory() ?? throw new InvalidOperationException("The connection factory returned null.");
        await using (connection.ConfigureAwait(false))
        {
            if (connection.State != ConnectionState.Open)
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            var write = await connection.BeginTransactionAsync(
                _dialect == SqlDialect.Sqlite ? IsolationLevel.Serializable : IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (write.ConfigureAwait(false))
            {
                await connection.ExecuteAsync(new CommandDefinition(_sql, parameters, write, _commandTimeout, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await write.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return RecoveredTransactionResult.Accepted;
    }
}
