using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Data;
using System.Data.Common;
using Dapper;
using LedgerSync.Ledger;

namespace LedgerSync.Dapper.TransactionSources;

/// <summary>
/// Reads a host's ledger tables through Dapper (bring your own ADO.NET driver) with keyset paging — never
/// <c>OFFSET</c>, so every page costs the same however deep the load is.
/// </summary>
/// <remarks>
/// <para>The configured <see cref="SqlTransactionSourceOptions.Query"/> returns one row per transaction:</para>
/// <list type="bullet">
/// <item><c>id</c> — the transaction ID: 64 hexadecimal digits (text, either case) or 32 bytes (blob/bytea). Not null;
/// it is the paging key, so an index on it keeps pages cheap.</item>
/// <item><c>dependencies</c> — the IDs it depends on: text of hexadecimal IDs separated by commas and/or white space
/// (e.g. SQLite <c>group_concat</c>, PostgreSQL <c>string_agg</c>), a PostgreSQL <c>text[]</c> or <c>bytea[]</c>
/// (<c>array_agg</c>), or a blob of concatenated 32-byte IDs; NULL or empty for none.</item>
/// <item><c>participants</c> — X.500 names separated by <c>;</c> or new lines (a name itself contains commas), or a
/// PostgreSQL <c>text[]</c>; NULL or empty for none.</item>
/// </list>
/// <para>A row that does not fit becomes a <see cref="TransactionRecord.Malformed"/> record naming the row's ID, which
/// the ledger graph reports as invalid data; the load goes on.</para>
/// </remarks>
public sealed class SqlTransactionSource : ITransactionSource
{
    private static readonly char[] DependencySeparators = [',', ' ', '\t', '\r', '\n'];
    private static readonly char[] ParticipantSeparators = [';', '\r', '\n'];

    private readonly Func<DbConnection> _connectionFactory;
    private readonly string _firstPageSql;
    private readonly string _nextPageSql;
    private readonly string _countSql;
    private readonly bool _countTotal;
    private readonly int? _commandTimeout;
    private readonly ConcurrentDictionary<string, PartyName> _parties = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PartyName>.AlternateLookup<ReadOnlySpan<char>> _partyLookup;

    /// <summary>Creates a source.</summary>
    /// <param name="options">The connection factory, dialect and query.</param>
    /// <exception cref="ArgumentException">The connection factory or the query is missing.</exception>
    public SqlTransactionSource(SqlTransactionSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connectionFactory = options.ConnectionFactory
            ?? throw new ArgumentException("SqlTransactionSourceOptions.ConnectionFactory is required.", nameof(options));
        var query = options.Query?.Trim().TrimEnd(';');
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("SqlTransactionSourceOptions.Query is required: a SELECT returning the columns id, dependencies and participants.", nameof(options));
        }

        // Both dialects page with LIMIT; the subquery needs an alias in both (PostgreSQL requires one).
        _ = options.Dialect switch
        {
            SqlDialect.Sqlite or SqlDialect.PostgreSql => 0,
            _ => throw new ArgumentException($"Unknown SQL dialect {options.Dialect}.", nameof(options)),
        };
        const string Columns = "t.id, t.dependencies, t.participants";
        _firstPageSql = $"SELECT {Columns} FROM ({query}) AS t ORDER BY t.id LIMIT @pageSize";
        _nextPageSql = $"SELECT {Columns} FROM ({query}) AS t WHERE t.id > @after ORDER BY t.id LIMIT @pageSize";
        _countSql = $"SELECT COUNT(*) FROM ({query}) AS t";
        _countTotal = options.CountTotal;
        _commandTimeout = options.CommandTimeoutSeconds;
        _partyLookup = _parties.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc />
    public async ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default)
    {
        if (!_countTotal)
        {
            return null;
        }

        var connection = _connectionFactory();
        await using (connection.ConfigureAwait(false))
        {
            var command = new CommandDefinition(_countSql, commandTimeout: _commandTimeout, cancellationToken: cancellationToken);
            return await connection.ExecuteScalarAsync<long>(command).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var parameters = new DynamicParameters();
        parameters.Add("pageSize", pageSize, DbType.Int32);
        switch (continuation)
        {
            case null:
                break;
            case string text:
                parameters.Add("after", text, DbType.String);
                break;
            case byte[] bytes:
                parameters.Add("after", bytes, DbType.Binary);
                break;
            default:
                throw new ArgumentException($"Not a continuation of this source: {continuation.GetType().Name}.", nameof(continuation));
        }

        var records = new List<TransactionRecord>(Math.Min(pageSize, 100_000));
        object? last = null;
        var connection = _connectionFactory();
        await using (connection.ConfigureAwait(false))
        {
            var command = new CommandDefinition(continuation is null ? _firstPageSql : _nextPageSql, parameters, commandTimeout: _commandTimeout, cancellationToken: cancellationToken);
            var reader = await connection.ExecuteReaderAsync(command).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var id = reader.IsDBNull(0) ? null : reader.GetValue(0);
                    var dependencies = reader.IsDBNull(1) ? null : reader.GetValue(1);
                    var participants = reader.IsDBNull(2) ? null : reader.GetValue(2);
                    records.Add(ReadRow(id, dependencies, participants));
                    last = id ?? last;
                }
            }
        }

        // A short page is the last one; so is a page without a usable key (it could not be continued).
        var next = records.Count < pageSize || last is not (string or byte[]) ? null : last;
        return new TransactionPage(records, next);
    }

    internal TransactionRecord ReadRow(object? idValue, object? dependenciesValue, object? participantsValue)
    {
        if (!TryReadId(idValue, out var id))
        {
            return TransactionRecord.Malformed(Describe(idValue), "the id column is not 64 hexadecimal digits or 32 bytes.");
        }

        if (!TryReadDependencies(dependenciesValue, out var dependencies, out var problem)
            || !TryReadParticipants(participantsValue, out var participants, out problem))
        {
            return TransactionRecord.Malformed(id.ToString(), problem, id);
        }

        return TransactionRecord.FromMetadata(new TransactionMetadata(id, dependencies, participants));
    }

    private static bool TryReadId(object? value, out TransactionId id)
    {
        switch (value)
        {
            case string text:
                return TransactionId.TryParse(text.AsSpan().Trim(), out id);
            case byte[] { Length: TransactionId.Size } bytes:
                id = new TransactionId(bytes);
                return true;
            default:
                id = default;
                return false;
        }
    }

    private static bool TryReadDependencies(object? value, out ImmutableArray<TransactionId> dependencies, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        problem = null;
        dependencies = [];
        switch (value)
        {
            case null:
                return true;
            case string text:
            {
                var span = text.AsSpan();
                var builder = ImmutableArray.CreateBuilder<TransactionId>();
                foreach (var range in span.SplitAny(DependencySeparators))
                {
                    var part = span[range];
                    if (part.IsEmpty)
                    {
                        continue;
                    }

                    if (!TransactionId.TryParse(part, out var dependency))
                    {
                        problem = $"the dependencies column holds '{Shorten(part)}', which is not a transaction ID.";
                        return false;
                    }

                    builder.Add(dependency);
                }

                dependencies = builder.DrainToImmutable();
                return true;
            }

            case string?[] texts:
            {
                var builder = ImmutableArray.CreateBuilder<TransactionId>(texts.Length);
                foreach (var text in texts)
                {
                    if (!TransactionId.TryParse(text?.Trim(), out var dependency))
                    {
                        problem = $"the dependencies column holds '{Shorten(text)}', which is not a transaction ID.";
                        return false;
                    }

                    builder.Add(dependency);
                }

                dependencies = builder.MoveToImmutable();
                return true;
            }

            case byte[][] blobs:
            {
                var builder = ImmutableArray.CreateBuilder<TransactionId>(blobs.Length);
                foreach (var blob in blobs)
                {
                    if (blob is not { Length: TransactionId.Size })
                    {
                        problem = $"the dependencies column holds a {blob?.Length ?? 0}-byte value; a transaction ID is {TransactionId.Size} bytes.";
                        return false;
                    }

                    builder.Add(new TransactionId(blob));
                }

                dependencies = builder.MoveToImmutable();
                return true;
            }

            case byte[] concatenated when concatenated.Length % TransactionId.Size == 0:
            {
                var builder = ImmutableArray.CreateBuilder<TransactionId>(concatenated.Length / TransactionId.Size);
                for (var offset = 0; offset < concatenated.Length; offset += TransactionId.Size)
                {
                    builder.Add(new TransactionId(concatenated.AsSpan(offset, TransactionId.Size)));
                }

                dependencies = builder.MoveToImmutable();
                return true;
            }

            default:
                problem = $"the dependencies column is a {Describe(value)}; expected text of IDs, an array of IDs or concatenated 32-byte IDs.";
                return false;
        }
    }

    private bool TryReadParticipants(object? value, out ImmutableArray<PartyName> participants, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        problem = null;
        participants = [];
        switch (value)
        {
            case null:
                return true;
            case string text:
            {
                var span = text.AsSpan();
                var builder = ImmutableArray.CreateBuilder<PartyName>();
                foreach (var range in span.SplitAny(ParticipantSeparators))
                {
                    var part = span[range].Trim();
                    if (part.IsEmpty)
                    {
                        continue;
                    }

                    if (!TryGetParty(part, out var party, out problem))
                    {
                        return false;
                    }

                    builder.Add(party);
                }

                participants = builder.DrainToImmutable();
                return true;
            }

            case string?[] texts:
            {
                var builder = ImmutableArray.CreateBuilder<PartyName>(texts.Length);
                foreach (var text in texts)
                {
                    if (!TryGetParty((text ?? string.Empty).AsSpan().Trim(), out var party, out problem))
                    {
                        return false;
                    }

                    builder.Add(party);
                }

                participants = builder.MoveToImmutable();
                return true;
            }

            default:
                problem = $"the participants column is a {Describe(value)}; expected text of X.500 names separated by ';' or an array of names.";
                return false;
        }
    }

    // Parties repeat across millions of rows: parse each distinct spelling once.
    private bool TryGetParty(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PartyName? party, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        if (_partyLookup.TryGetValue(text, out party))
        {
            problem = null;
            return true;
        }

        var name = text.ToString();
        if (!PartyName.TryParse(name, out party, out var error))
        {
            problem = $"the participants column holds a malformed party: {error}";
            return false;
        }

        _parties.TryAdd(name, party);
        problem = null;
        return true;
    }

    private static string Describe(object? value) => value switch
    {
        null => "NULL",
        string text => $"'{Shorten(text)}'",
        byte[] bytes => $"{bytes.Length}-byte value",
        _ => value.GetType().Name,
    };

    private static string Shorten(ReadOnlySpan<char> text) => text.Length > 80 ? string.Concat(text[..80], "...") : text.ToString();
}
