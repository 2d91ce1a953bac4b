using System.Data.Common;
using System.Globalization;
using Dapper;
using LedgerSync.Dapper.Schema;
using LedgerSync.Status;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Dapper.Status;

/// <summary>
/// An <see cref="IStatusStore"/> in a SQL database: one row per (party, role) in <c>CR_RECONCILIATION_STATUS</c>
/// with the reference product's columns (times as Unix milliseconds; the result as comma-separated upper-case hex IDs),
/// plus one append-only row per transition in <c>CR_RECONCILIATION_RUN_HISTORY</c>. Each transition reads the row,
/// writes the new one and appends the history row in one transaction, so a failure at any point leaves the previous
/// row intact. The schema is created and upgraded automatically on first use.
/// </summary>
public sealed class SqlStatusStore : IStatusStore
{
    private const string Columns =
        "party_name, is_requester, state_machine_id, last_successful_reconciliation_time_started, last_successful_reconciliation_time_finished, " +
        "last_successful_reconciliation_status, last_successful_reconciliation_result, last_reconciliation_time_started, " +
        "last_reconciliation_time_finished, last_reconciliation_status, last_reconciliation_error";

    private readonly ReconciliationSchema _schema;
    private readonly string _lockSuffix;

    /// <summary>Creates the store.</summary>
    /// <param name="dialect">The database's SQL dialect.</param>
    /// <param name="connectionFactory">Creates a new (closed or open) connection for each operation, for example <c>() =&gt; new SqliteConnection(cs)</c>.</param>
    /// <param name="timeProvider">The clock for the schema's <c>applied_at</c> (the system clock when <see langword="null"/>).</param>
    /// <param name="logger">Where schema changes are logged.</param>
    public SqlStatusStore(SqlDialect dialect, Func<DbConnection> connectionFactory, TimeProvider? timeProvider = null, ILogger<SqlStatusStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        _schema = new ReconciliationSchema(dialect, connectionFactory, timeProvider ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance);
        _lockSuffix = dialect == SqlDialect.PostgreSql ? " FOR UPDATE" : string.Empty;
    }

    /// <summary>Creates or upgrades the schema now (otherwise it happens on first use).</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken);

    /// <inheritdoc />
    public Task RecordStartedAsync(PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return TransitionAsync(
            party,
            isRequester,
            previous => StatusTransitions.Started(previous, party, isRequester, runId, startedAt),
            new HistoryEntry(runId, ReconciliationState.InProgress, startedAt, 0, null),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task RecordFinishedAsync(
        PartyName party,
        bool isRequester,
        Guid runId,
        ReconciliationState state,
        DateTimeOffset finishedAt,
        IReadOnlyCollection<TransactionId>? result,
        string? errorMessage,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        StatusTransitions.ValidateFinish(state, errorMessage);
        return TransitionAsync(
            party,
            isRequester,
            previous => StatusTransitions.Finished(previous, party, isRequester, runId, state, finishedAt, result, errorMessage),
            new HistoryEntry(runId, state, finishedAt, result?.Count ?? 0, state == ReconciliationState.Failed ? errorMessage : null),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadAsync(connection, null, party, isRequester, forUpdate: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(
        PartyName? party,
        ReconciliationState? lastReconciliationStatus,
        bool isRequester,
        CancellationToken cancellationToken = default)
    {
        var sql = $"SELECT {Columns} FROM CR_RECONCILIATION_STATUS WHERE is_requester = @isRequester";
        var parameters = new DynamicParameters();
        parameters.Add("isRequester", isRequester);
        if (party is not null)
        {
            sql += " AND party_name = @party";
            parameters.Add("party", party.ToString());
        }

        if (lastReconciliationStatus is { } state)
        {
            sql += " AND last_reconciliation_status = @status";
            parameters.Add("status", state.ToName());
        }

        sql += " ORDER BY party_name";
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(r => ToStatus((IDictionary<string, object?>)r))];
        }
    }

    /// <inheritdoc />
    public async Task<int> RemovePresentFromResultsAsync(Func<TransactionId, bool> isPresent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isPresent);
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var rows = await connection.QueryAsync(new CommandDefinition(
                    $"SELECT {Columns} FROM CR_RECONCILIATION_STATUS WHERE last_successful_reconciliation_result <> ''{_lockSuffix}",
                    transaction: transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                var removed = 0;
                foreach (var row in rows.Select(r => ToStatus((IDictionary<string, object?>)r)).ToList())
                {
                    if (StatusTransitions.Refreshed(row, isPresent, out var count) is { } refreshed)
                    {
                        await WriteAsync(connection, transaction, refreshed, cancellationToken).ConfigureAwait(false);
                        removed += count;
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return removed;
            }
        }
    }

    private async Task TransitionAsync(
        PartyName party,
        bool isRequester,
        Func<ReconciliationStatus?, ReconciliationStatus> next,
        HistoryEntry history,
        CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var previous = await ReadAsync(connection, transaction, party, isRequester, forUpdate: true, cancellationToken).ConfigureAwait(false);
                await WriteAsync(connection, transaction, next(previous), cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO CR_RECONCILIATION_RUN_HISTORY (run_id, party_name, is_requester, status, recorded_at, differences, error) " +
                    "VALUES (@runId, @party, @isRequester, @status, @recordedAt, @differences, @error)",
                    new
                    {
                        runId = history.RunId.ToString(),
                        party = party.ToString(),
                        isRequester,
                        status = history.State.ToName(),
                        recordedAt = history.At.ToUnixTimeMilliseconds(),
                        differences = history.Differences,
                        error = history.Error,
                    },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<ReconciliationStatus?> ReadAsync(DbConnection connection, DbTransaction? transaction, PartyName party, bool isRequester, bool forUpdate, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            $"SELECT {Columns} FROM CR_RECONCILIATION_STATUS WHERE party_name = @party AND is_requester = @isRequester{(forUpdate ? _lockSuffix : string.Empty)}",
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

    private sealed record HistoryEntry(Guid RunId, ReconciliationState State, DateTimeOffset At, int Differences, string? Error);
}
