using System.Data.Common;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Dapper;
using LedgerSync.Dapper.Schema;
using LedgerSync.Status;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Dapper.Status;

/// <summary>
/// An <see cref="IStatusStore"/> in a SQL database: one row per (party, role) in <c>CR_RECONCILIATION_STATUS</c>
/// with the reference product's columns (times as Unix milliseconds; the result as comma-separated upper-case hex IDs),
/// plus one append-only row per run transition (start, end) in <c>CR_RECONCILIATION_RUN_HISTORY</c>, which it offers as
/// the run history (<see cref="IReconciliationRunHistory"/>).
/// </summary>
/// <remarks>
/// Each <see cref="UpdateAsync"/> is one transaction: it takes the row's lock (a transaction-scoped advisory lock on
/// PostgreSQL, the database's single write lock on SQLite through <c>BEGIN IMMEDIATE</c>), reads the row, calls the update
/// function, writes the new row and appends the history row, then commits. A failure at any point rolls everything back
/// and leaves the previous row; two updates of one row, from one process or several sharing the database, run one after
/// the other. The schema is created and upgraded automatically on first use (see <see cref="EnsureSchemaAsync"/>).
/// </remarks>
public sealed class SqlStatusStore : IStatusStore, IReconciliationRunHistory
{
    private const string Columns =
        "party_name, is_requester, state_machine_id, last_successful_reconciliation_time_started, last_successful_reconciliation_time_finished, " +
        "last_successful_reconciliation_status, last_successful_reconciliation_result, last_reconciliation_time_started, " +
        "last_reconciliation_time_finished, last_reconciliation_status, last_reconciliation_error";

    // pg_advisory_xact_lock(int, int): the first key names LedgerSync's status rows ("LSST"), the second the row.
    private const int AdvisoryLockSpace = 0x4C53_5354;

    private readonly ReconciliationSchema _schema;
    private readonly SqlDialect _dialect;
    private readonly TimeProvider _time;

    /// <summary>Creates the store over a connection factory.</summary>
    /// <param name="dialect">The database's SQL dialect.</param>
    /// <param name="connectionFactory">Creates a new (closed or open) connection for each operation, for example <c>() =&gt; new SqliteConnection(cs)</c>.</param>
    /// <param name="timeProvider">The clock for the schema's <c>applied_at</c> (the system clock when <see langword="null"/>).</param>
    /// <param name="logger">Where schema changes are logged.</param>
    public SqlStatusStore(SqlDialect dialect, Func<DbConnection> connectionFactory, TimeProvider? timeProvider = null, ILogger<SqlStatusStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        if (!Enum.IsDefined(dialect))
        {
            throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Unknown SQL dialect.");
        }

        _dialect = dialect;
        _time = timeProvider ?? TimeProvider.System;
        _schema = new ReconciliationSchema(dialect, connectionFactory, _time, logger ?? (ILogger)NullLogger.Instance);
    }

    /// <summary>
    /// Creates the store over an ADO.NET data source, for example Npgsql's <c>NpgsqlDataSource</c> (which owns the
    /// connection pool and its settings), on the system clock and without logging. For a clock or a logger, pass
    /// <c>dataSource.CreateConnection</c> to <see cref="SqlStatusStore(SqlDialect, Func{DbConnection}, TimeProvider?, ILogger{SqlStatusStore}?)"/>.
    /// </summary>
    /// <param name="dialect">The database's SQL dialect.</param>
    /// <param name="dataSource">The data source; the store creates one connection from it per operation and does not dispose it.</param>
    public SqlStatusStore(SqlDialect dialect, DbDataSource dataSource)
        : this(dialect, (dataSource ?? throw new ArgumentNullException(nameof(dataSource))).CreateConnection)
    {
    }

    /// <summary>Creates or upgrades the schema now (otherwise it happens on first use).</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadAsync(connection, null, party, isRequester, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<ReconciliationStatus?> UpdateAsync(
        PartyName party,
        bool isRequester,
        Func<ReconciliationStatus?, ReconciliationStatus?> update,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(update);
        cancellationToken.ThrowIfCancellationRequested();
        var key = new StatusKey(party, isRequester);
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (_dialect == SqlDialect.PostgreSql)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "SELECT pg_advisory_xact_lock(@space, @row)",
                        new { space = AdvisoryLockSpace, row = RowLockKey(key) },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                var current = await ReadAsync(connection, transaction, party, isRequester, cancellationToken).ConfigureAwait(false);
                var next = update(current);
                if (next is null || ReferenceEquals(next, current) || next.Equals(current))
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return current;
                }

                key.EnsureKeyOf(next);
                await WriteAsync(connection, transaction, next, cancellationToken).ConfigureAwait(false);
                if (IsRunTransition(current, next))
                {
                    await AppendHistoryAsync(connection, transaction, next, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return next;
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(StatusQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder($"SELECT {Columns} FROM CR_RECONCILIATION_STATUS WHERE is_requester = @isRequester");
        var parameters = new DynamicParameters();
        parameters.Add("isRequester", query.IsRequester);
        if (query.Party is { } party)
        {
            sql.Append(" AND party_name = @party");
            parameters.Add("party", party.ToString());
        }

        if (query.LastReconciliationStatus is { } state)
        {
            sql.Append(" AND last_reconciliation_status = @status");
            parameters.Add("status", state.ToName());
        }

        sql.Append(" ORDER BY party_name");
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(r => ToStatus((IDictionary<string, object?>)r))];
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<ReconciliationState, int>> CountByLastStateAsync(bool isRequester, CancellationToken cancellationToken = default)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(
                "SELECT last_reconciliation_status, COUNT(*) FROM CR_RECONCILIATION_STATUS " +
                "WHERE is_requester = @isRequester AND last_reconciliation_status IS NOT NULL GROUP BY last_reconciliation_status",
                new { isRequester },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.ToDictionary(r => ReconciliationStateNames.Parse(r.Status), r => checked((int)r.Count));
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReconciliationStatus>> ReadResultsPageAsync(StatusKey? after, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var sql = new StringBuilder($"SELECT {Columns} FROM CR_RECONCILIATION_STATUS WHERE last_successful_reconciliation_result <> ''");
        var parameters = new DynamicParameters();
        parameters.Add("pageSize", pageSize);
        if (after is { } start)
        {
            ArgumentNullException.ThrowIfNull(start.Party, nameof(after));
            sql.Append(" AND (party_name > @afterParty OR (party_name = @afterParty AND is_requester > @afterIsRequester))");
            parameters.Add("afterParty", start.Party.ToString());
            parameters.Add("afterIsRequester", start.IsRequester);
        }

        sql.Append(" ORDER BY party_name, is_requester LIMIT @pageSize");
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(r => ToStatus((IDictionary<string, object?>)r))];
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads <c>CR_RECONCILIATION_RUN_HISTORY</c>: an end row is one run, its start taken from the row before it (same
    /// party, role and run ID, <c>IN_PROGRESS</c>); a start row with no end row after it is a run still in progress (or
    /// one whose end was never recorded). A role's runs follow one another, so its newest <c>skip + take</c> runs lie in
    /// its newest <c>2·(skip + take) + 1</c> rows: one query per role reads only those, newest first.
    /// </remarks>
    public async Task<IReadOnlyList<ReconciliationRunRecord>> ReadRunsAsync(ReconciliationRunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var rowLimit = (int)Math.Min(int.MaxValue, (2L * ((long)query.Skip + query.Take)) + 1);
        var runs = new List<(long StartId, ReconciliationRunRecord Run)>();
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            foreach (var isRequester in (bool[])[true, false])
            {
                if (query.IsRequester is { } role && role != isRequester)
                {
                    continue;
                }

                var rows = (await connection.QueryAsync<HistoryRow>(new CommandDefinition(
                    "SELECT id AS Id, run_id AS RunId, status AS Status, recorded_at AS RecordedAt, differences AS Differences, error AS Error " +
                    "FROM CR_RECONCILIATION_RUN_HISTORY WHERE party_name = @party AND is_requester = @isRequester AND status <> '' " +
                    "ORDER BY id DESC LIMIT @rowLimit",
                    new { party = query.Party.ToString(), isRequester, rowLimit },
                    cancellationToken: cancellationToken)).ConfigureAwait(false)).Reverse().ToList();
                AddRuns(runs, rows, query.Party, isRequester, windowIsFull: rows.Count == rowLimit);
            }
        }

        return [.. runs.OrderByDescending(r => r.StartId).Skip(query.Skip).Take(query.Take).Select(r => r.Run)];
    }

    // Pairs one role's history rows (oldest first) into runs. When the rows are only the newest part of the history, the
    // oldest may be an end whose start was not read: it is left out (it is older than every run the page can show).
    private static void AddRuns(List<(long StartId, ReconciliationRunRecord Run)> runs, List<HistoryRow> rows, PartyName party, bool isRequester, bool windowIsFull)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var state = ReconciliationStateNames.Parse(row.Status);
            var inProgress = state == ReconciliationState.InProgress;
            if (inProgress && i + 1 < rows.Count && rows[i + 1].RunId == row.RunId)
            {
                continue; // its end (or a repeated start) follows and stands for the run
            }

            if (i == 0 && windowIsFull && !inProgress)
            {
                continue;
            }

            var previous = i > 0 ? rows[i - 1] : null;
            var continues = previous is not null && previous.Status == ReconciliationStateNames.InProgress && previous.RunId == row.RunId;
            runs.Add((continues ? previous!.Id : row.Id, new ReconciliationRunRecord
            {
                RunId = Guid.Parse(row.RunId),
                PartyName = party,
                IsRequester = isRequester,
                Started = inProgress ? Time(row.RecordedAt) : continues ? Time(previous!.RecordedAt) : null,
                Finished = inProgress ? null : Time(row.RecordedAt),
                State = state,
                Differences = (int)row.Differences,
                Error = row.Error,
            }));
        }
    }

    // A history row marks a run's start or end: the run ID or one of its times changed. A refresh (which only trims the
    // stored result) and an update that rewrites other fields append nothing.
    private static bool IsRunTransition(ReconciliationStatus? current, ReconciliationStatus next) =>
        current is null
        || current.StateMachineRunId != next.StateMachineRunId
        || current.LastReconciliationTimeStarted != next.LastReconciliationTimeStarted
        || current.LastReconciliationTimeFinished != next.LastReconciliationTimeFinished;

    private Task<int> AppendHistoryAsync(DbConnection connection, DbTransaction transaction, ReconciliationStatus row, CancellationToken cancellationToken)
    {
        var finished = row.LastReconciliationTimeFinished;
        var differences = row.LastReconciliationStatus is { } state && state.IsSuccess() && finished is not null
            && row.LastSuccessfulReconciliationTimeFinished == finished
                ? row.LastSuccessfulReconciliationResult.Count
                : 0;
        var recordedAt = finished ?? row.LastReconciliationTimeStarted ?? _time.GetUtcNow();
        return connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO CR_RECONCILIATION_RUN_HISTORY (run_id, party_name, is_requester, status, recorded_at, differences, error) " +
            "VALUES (@runId, @party, @isRequester, @status, @recordedAt, @differences, @error)",
            new
            {
                runId = (row.StateMachineRunId ?? Guid.Empty).ToString(),
                party = row.PartyName.ToString(),
                isRequester = row.IsRequester,
                status = row.LastReconciliationStatus?.ToName() ?? string.Empty,
                recordedAt = recordedAt.ToUnixTimeMilliseconds(),
                differences,
                error = row.LastReconciliationError,
            },
            transaction,
            cancellationToken: cancellationToken));
    }

    private static async Task<ReconciliationStatus?> ReadAsync(DbConnection connection, DbTransaction? transaction, PartyName party, bool isRequester, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            $"SELECT {Columns} FROM CR_RECONCILIATION_STATUS WHERE party_name = @party AND is_requester = @isRequester",
            new { party = party.ToString(), isRequester },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : ToStatus((IDictionary<string, object?>)row);
    }

    private static Task<int> WriteAsync(DbConnection connection, DbTransaction transaction, ReconciliationStatus status, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO CR_RECONCILIATION_STATUS ({Columns}) VALUES (@party, @isRequester, @runId, @successStarted, @successFinished, @successStatus, @successResult, @started, @finished, @status, @error) " +
            "ON CONFLICT (party_name, is_requester) DO UPDATE SET state_machine_id = excluded.state_machine_id, " +
            "last_successful_reconciliation_time_started = excluded.last_successful_reconciliation_time_started, " +
            "last_successful_reconciliation_time_finished = excluded.last_successful_reconciliation_time_finished, " +
            "last_successful_reconciliation_status = excluded.last_successful_reconciliation_status, " +
            "last_successful_reconciliation_result = excluded.last_successful_reconciliation_result, " +
            "last_reconciliation_time_started = excluded.last_reconciliation_time_started, " +
            "last_reconciliation_time_finished = excluded.last_reconciliation_time_finished, " +
            "last_reconciliation_status = excluded.last_reconciliation_status, " +
            "last_reconciliation_error = excluded.last_reconciliation_error",
            new
            {
                party = status.PartyName.ToString(),
                isRequester = status.IsRequester,
                runId = status.StateMachineRunId?.ToString(),
                successStarted = status.LastSuccessfulReconciliationTimeStarted?.ToUnixTimeMilliseconds(),
                successFinished = status.LastSuccessfulReconciliationTimeFinished?.ToUnixTimeMilliseconds(),
                successStatus = status.LastSuccessfulReconciliationStatus?.ToName(),
                successResult = string.Join(',', status.LastSuccessfulReconciliationResult),
                started = status.LastReconciliationTimeStarted?.ToUnixTimeMilliseconds(),
                finished = status.LastReconciliationTimeFinished?.ToUnixTimeMilliseconds(),
                status = status.LastReconciliationStatus?.ToName(),
                error = status.LastReconciliationError,
            },
            transaction,
            cancellationToken: cancellationToken));

    // XxHash32 of the row's key (party name in UTF-8, then the role byte): stable across processes and machines, so every
    // node sharing the database takes the same lock. A non-keyed hash is enough: a collision only serializes two rows.
    private static int RowLockKey(StatusKey key)
    {
        var party = key.Party.ToString();
        var bytes = new byte[Encoding.UTF8.GetByteCount(party) + 1];
        Encoding.UTF8.GetBytes(party, bytes);
        bytes[^1] = key.IsRequester ? (byte)1 : (byte)0;
        return unchecked((int)XxHash32.HashToUInt32(bytes));
    }

    private static ReconciliationStatus ToStatus(IDictionary<string, object?> row) => new()
    {
        PartyName = PartyName.Parse((string)row["party_name"]!),
        IsRequester = Convert.ToBoolean(row["is_requester"], CultureInfo.InvariantCulture),
        StateMachineRunId = row["state_machine_id"] is string id ? Guid.Parse(id) : null,
        LastSuccessfulReconciliationTimeStarted = Time(row["last_successful_reconciliation_time_started"]),
        LastSuccessfulReconciliationTimeFinished = Time(row["last_successful_reconciliation_time_finished"]),
        LastSuccessfulReconciliationStatus = State(row["last_successful_reconciliation_status"]),
        LastSuccessfulReconciliationResult = Ids(row["last_successful_reconciliation_result"] as string),
        LastReconciliationTimeStarted = Time(row["last_reconciliation_time_started"]),
        LastReconciliationTimeFinished = Time(row["last_reconciliation_time_finished"]),
        LastReconciliationStatus = State(row["last_reconciliation_status"]),
        LastReconciliationError = row["last_reconciliation_error"] as string,
    };

    private static DateTimeOffset? Time(object? value) =>
        value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));

    private static ReconciliationState? State(object? value) => value is string name ? ReconciliationStateNames.Parse(name) : null;

    private static TransactionId[] Ids(string? text) =>
        string.IsNullOrEmpty(text) ? [] : [.. text.Split(',').Select(TransactionId.Parse)];

    // One row of CR_RECONCILIATION_RUN_HISTORY as ReadRunsAsync reads it (settable, so Dapper converts each column type).
    private sealed class HistoryRow
    {
        public long Id { get; set; }

        public string RunId { get; set; } = string.Empty;

        public string Status { get; set; } = string.Empty;

        public long RecordedAt { get; set; }

        public long Differences { get; set; }

        public string? Error { get; set; }
    }
}
