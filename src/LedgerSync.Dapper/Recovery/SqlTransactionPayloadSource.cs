using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using LedgerSync.Recovery;

namespace LedgerSync.Dapper.Recovery;

/// <summary>
/// The responder's payload source on a generic table: the bytes of a transaction by ID, read with one indexed
/// <c>SELECT</c> from the host's table (or query) through Dapper. Small payloads are read whole; payloads longer than
/// <see cref="SqlTransactionPayloadSourceOptions.BufferedPayloadLimit"/> are streamed from the open reader.
/// </summary>
/// <remarks>LedgerSync asks it only for IDs in the requester's relevant set; the source itself never decides who may read what.</remarks>
public sealed class SqlTransactionPayloadSource : ITransactionPayloadSource
{
    private readonly Func<DbConnection> _connectionFactory;
    private readonly string _sql;
    private readonly SqlTransactionIdFormat _idFormat;
    private readonly int _bufferedLimit;
    private readonly int? _commandTimeout;

    /// <summary>Creates the source.</summary>
    /// <param name="options">The connection factory, dialect and table or query.</param>
    /// <exception cref="ArgumentException">The connection factory is missing, neither a table nor a query is given, or a name is not a plain identifier.</exception>
    public SqlTransactionPayloadSource(SqlTransactionPayloadSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connectionFactory = options.ConnectionFactory
            ?? throw new ArgumentException("SqlTransactionPayloadSourceOptions.ConnectionFactory is required.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BufferedPayloadLimit, 0, nameof(options));
        var query = options.Query?.Trim().TrimEnd(';');
        string from;
        if (!string.IsNullOrWhiteSpace(query))
        {
            from = $"SELECT t.id AS id, t.payload AS payload FROM ({query}) AS t";
        }
        else if (options.Table is not null)
        {
            var table = SqlIdentifiers.Require(options.Table, "SqlTransactionPayloadSourceOptions.Table");
            var id = SqlIdentifiers.Require(options.IdColumn, "SqlTransactionPayloadSourceOptions.IdColumn");
            var payload = SqlIdentifiers.Require(options.PayloadColumn, "SqlTransactionPayloadSourceOptions.PayloadColumn");
            from = $"SELECT {id} AS id, {payload} AS payload FROM {table}";
        }
        else
        {
            throw new ArgumentException("SqlTransactionPayloadSourceOptions needs a Table or a Query (a SELECT returning the columns id and payload).", nameof(options));
        }

        var length = options.Dialect switch
        {
            SqlDialect.Sqlite => "length(CAST(p.payload AS BLOB))",
            SqlDialect.PostgreSql => "octet_length(p.payload)",
            _ => throw new ArgumentException($"Unknown SQL dialect {options.Dialect}.", nameof(options)),
        };

        _sql = $"SELECT {length} AS payload_length, p.payload FROM ({from}) AS p WHERE p.id = @id LIMIT 1";
        _idFormat = options.IdFormat;
        _bufferedLimit = options.BufferedPayloadLimit;
        _commandTimeout = options.CommandTimeoutSeconds;
    }

    /// <inheritdoc />
    public async ValueTask<TransactionPayload?> OpenAsync(TransactionId id, CancellationToken cancellationToken = default)
    {
        var parameters = new DynamicParameters();
        SqlIdentifiers.AddId(parameters, "id", id, _idFormat);
        var connection = _connectionFactory() ?? throw new InvalidOperationException("The connection factory returned null.");
        DbDataReader? reader = null;
        try
        {
            if (connection.State != ConnectionState.Open)
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            var command = new CommandDefinition(_sql, parameters, commandTimeout: _commandTimeout, cancellationToken: cancellationToken);
            reader = await connection.ExecuteReaderAsync(command, CommandBehavior.SequentialAccess | CommandBehavior.SingleRow).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0))
            {
                return null;
            }

            var length = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            if (length <= _bufferedLimit || reader.GetFieldType(1) == typeof(string))
            {
                var value = reader.GetValue(1);
                var bytes = value switch
                {
                    byte[] blob => blob,
                    string text => Encoding.UTF8.GetBytes(text),
                    _ => throw new InvalidDataException($"The payload column of transaction {id} is a {value.GetType().Name}; expected a blob or text."),
                };
                return TransactionPayload.FromBytes(bytes);
            }

            var stream = new ReaderOwnedStream(reader.GetStream(1), reader, connection);
            reader = null;
            connection = null;
            return TransactionPayload.FromStream(stream, length);
        }
        finally
        {
            if (reader is not null)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A payload stream that closes its reader and connection when disposed.</summary>
    private sealed class ReaderOwnedStream(Stream inner, DbDataReader reader, DbConnection connection) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await reader.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                reader.Dispose();
                connection.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
