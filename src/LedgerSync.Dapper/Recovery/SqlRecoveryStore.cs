using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using LedgerSync.Dapper.Schema;
using LedgerSync.Recovery;
using LedgerSync.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Dapper.Recovery;

/// <summary>
/// The durable recovery store: one row per recovery in <c>CR_RECOVERY</c> (state, counts, bytes, error, times, owner
/// and lease) and one row per requested transaction in <c>CR_RECOVERY_ITEM</c> (its outcome, reason, bytes). Ended
/// recoveries stay as the history. Every operation is one database transaction; a claim's writes are conditional on
/// its owner token and the <c>IN_PROGRESS</c> state, so a worker whose lease was taken over (or whose recovery was
/// stopped) changes nothing. On PostgreSQL a claim locks the chosen row with <c>FOR UPDATE SKIP LOCKED</c>; on SQLite
/// every write runs in a <c>BEGIN IMMEDIATE</c> transaction. A unique partial index allows one queued or in-progress
/// recovery per party.
/// </summary>
public sealed class SqlRecoveryStore : IRecoveryStore
{
    private const string Columns =
        "recovery_id, party_name, state, requested_count, recovered_count, rejected_count, refused_count, bytes_recovered, " +
        "created_at, started_at, finished_at, updated_at, error, owner, lease_until, claim_count";

    private const string ItemColumns = "item_position, transaction_id, outcome, reason, bytes, completed_at";

    private const string Held = "recovery_id = @recoveryId AND owner = @owner AND state = 'IN_PROGRESS'";

    private const int InsertChunk = 400;

    private readonly ReconciliationSchema _schema;
    private readonly string _skipLocked;

    /// <summary>Creates the store.</summary>
    /// <param name="dialect">The database's SQL dialect.</param>
    /// <param name="connectionFactory">Creates a new connection for each operation.</param>
    /// <param name="timeProvider">The clock for the schema's <c>applied_at</c> (the system clock when <see langword="null"/>).</param>
    /// <param name="logger">Where schema changes are logged.</param>
    public SqlRecoveryStore(SqlDialect dialect, Func<DbConnection> connectionFactory, TimeProvider? timeProvider = null, ILogger<SqlRecoveryStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        _schema = new ReconciliationSchema(dialect, connectionFactory, timeProvider ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance);
        _skipLocked = dialect == SqlDialect.PostgreSql ? " FOR UPDATE SKIP LOCKED" : string.Empty;
    }

    /// <summary>Creates or upgrades the tables now (they are otherwise created on first use).</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<bool> TryAddAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, CancellationToken cancellationToken = default) =>
        await AddAsync(recovery, transactionIds, null, null, cancellationToken).ConfigureAwait(false) is not null;

    /// <inheritdoc />
    public async Task<IRecoveryClaim?> TryAddClaimedAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        var owner = ClaimTokens.New();
        var added = await AddAsync(recovery, transactionIds, owner, (now, leaseUntil), cancellationToken).ConfigureAwait(false);
        return added is null ? null : new Claim(this, added, owner);
    }

    /// <summary>Adds the recovery and its items in one transaction, queued or (with an owner) claimed; returns it as stored, or <see langword="null"/>.</summary>
    private async Task<RecoveryStatus?> AddAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, string? owner, (DateTimeOffset Now, DateTimeOffset LeaseUntil)? claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recovery);
        ArgumentNullException.ThrowIfNull(transactionIds);
        if (transactionIds.Count != recovery.RequestedCount)
        {
            throw new ArgumentException($"The recovery requests {recovery.RequestedCount} IDs but {transactionIds.Count} were given.", nameof(transactionIds));
        }

        var distinct = new HashSet<TransactionId>(transactionIds.Count);
        foreach (var id in transactionIds)
        {
            if (!distinct.Add(id))
            {
                throw new ArgumentException($"Transaction {id} is listed twice.", nameof(transactionIds));
            }
        }

        var recoveryId = recovery.RecoveryId.ToString();
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var stored = recovery with
                {
                    State = claim is null ? RecoveryState.Queued : RecoveryState.InProgress,
                    RecoveredCount = 0,
                    RejectedCount = 0,
                    RefusedCount = 0,
                    BytesRecovered = 0,
                    StartedAt = claim?.Now,
                    FinishedAt = null,
                    UpdatedAt = claim?.Now ?? recovery.CreatedAt,
                    Error = null,
                    Owner = owner,
                    LeaseUntil = claim?.LeaseUntil,
                    ClaimCount = claim is null ? 0 : 1,
                };
                var inserted = await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO CR_RECOVERY ({Columns}) VALUES (@recoveryId, @party, @state, @requested, 0, 0, 0, 0, @created, @started, NULL, @updated, NULL, @owner, @leaseUntil, @claims) ON CONFLICT DO NOTHING",
                    new
                    {
                        recoveryId,
                        party = recovery.PartyName.ToString(),
                        state = stored.State.ToName(),
                        requested = recovery.RequestedCount,
                        created = Millis(recovery.CreatedAt),
                        started = stored.StartedAt is { } started ? Millis(started) : (long?)null,
                        updated = Millis(stored.UpdatedAt!.Value),
                        owner,
                        leaseUntil = stored.LeaseUntil is { } lease ? Millis(lease) : (long?)null,
                        claims = stored.ClaimCount,
                    },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (inserted != 1)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return null;
                }

                for (var start = 0; start < transactionIds.Count; start += InsertChunk)
                {
                    var count = Math.Min(InsertChunk, transactionIds.Count - start);
                    var sql = new StringBuilder("INSERT INTO CR_RECOVERY_ITEM (recovery_id, item_position, transaction_id, outcome, reason, bytes, completed_at) VALUES ");
                    var parameters = new DynamicParameters();
                    parameters.Add("recoveryId", recoveryId);
                    for (var i = 0; i < count; i++)
                    {
                        sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : ", ")}(@recoveryId, {start + i}, @t{i}, 'PENDING', NULL, 0, NULL)");
                        parameters.Add(string.Create(CultureInfo.InvariantCulture, $"t{i}"), transactionIds[start + i].ToString());
                    }

                    await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return stored;
            }
        }
    }

    /// <inheritdoc />
    public async Task<IRecoveryClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        const string Claimable = "(state = 'QUEUED' OR (state = 'IN_PROGRESS' AND lease_until < @now))";
        var owner = ClaimTokens.New();
        var claimed = await QueryWriteAsync(
            "UPDATE CR_RECOVERY SET state = 'IN_PROGRESS', owner = @owner, lease_until = @leaseUntil, claim_count = claim_count + 1, " +
            "started_at = COALESCE(started_at, @now), updated_at = @now " +
            $"WHERE recovery_id = (SELECT recovery_id FROM CR_RECOVERY WHERE {Claimable} ORDER BY created_at, recovery_id LIMIT 1{_skipLocked}) " +
            $"AND {Claimable} RETURNING {Columns}",
            new { owner, now = Millis(now), leaseUntil = Millis(leaseUntil) },
            cancellationToken).ConfigureAwait(false);
        return claimed.Count == 0 ? null : new Claim(this, claimed[0], owner);
    }

    /// <inheritdoc />
    public async Task<RecoveryStatus?> GetAsync(Guid recoveryId, CancellationToken cancellationToken = default) =>
        FirstOrNull(await QueryAsync($"SELECT {Columns} FROM CR_RECOVERY WHERE recovery_id = @recoveryId", new { recoveryId = recoveryId.ToString() }, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<RecoveryStatus?> GetLatestForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return FirstOrNull(await QueryAsync(
            $"SELECT {Columns} FROM CR_RECOVERY WHERE party_name = @party ORDER BY created_at DESC, recovery_id LIMIT 1",
            new { party = party.ToString() },
            cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveryStatus>> GetHistoryAsync(PartyName? party, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return party is null
            ? QueryAsync($"SELECT {Columns} FROM CR_RECOVERY ORDER BY created_at DESC, recovery_id LIMIT @limit", new { limit }, cancellationToken)
            : QueryAsync($"SELECT {Columns} FROM CR_RECOVERY WHERE party_name = @party ORDER BY created_at DESC, recovery_id LIMIT @limit", new { party = party.ToString(), limit }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveryStatus>> GetActiveAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM CR_RECOVERY WHERE state IN ('QUEUED', 'IN_PROGRESS') ORDER BY created_at, recovery_id", null, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecoveryItem>> GetItemsAsync(Guid recoveryId, RecoveryItemOutcome? outcome, int? afterPosition, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var sql = $"SELECT {ItemColumns} FROM CR_RECOVERY_ITEM WHERE recovery_id = @recoveryId AND item_position > @after" +
            (outcome is null ? string.Empty : " AND outcome = @outcome") +
            " ORDER BY item_position LIMIT @limit";
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync(new CommandDefinition(
                sql,
                new { recoveryId = recoveryId.ToString(), after = afterPosition ?? -1, outcome = outcome?.ToName(), limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(r => ToItem((IDictionary<string, object?>)r))];
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveryStatus>> StopForPartyAsync(PartyName party, string reason, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return QueryWriteAsync(
            "UPDATE CR_RECOVERY SET state = 'STOPPED', error = @reason, finished_at = @now, updated_at = @now, owner = NULL, lease_until = NULL " +
            $"WHERE party_name = @party AND state IN ('QUEUED', 'IN_PROGRESS') RETURNING {Columns}",
            new { party = party.ToString(), reason, now = Millis(now) },
            cancellationToken);
    }

    private async Task<bool> UpdateHeldAsync(Guid recoveryId, string owner, string set, object extra, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("recoveryId", recoveryId.ToString());
        parameters.Add("owner", owner);
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var affected = await connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE CR_RECOVERY SET {set} WHERE {Held}", parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return affected == 1;
            }
        }
    }

    private async Task<bool> RecordHeldAsync(Guid recoveryId, string owner, IReadOnlyList<RecoveryItem> outcomes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = recoveryId.ToString();
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // The claim must still hold; the same statement locks the row (PostgreSQL) for the rest of the step.
                var held = await connection.ExecuteAsync(new CommandDefinition(
                    $"UPDATE CR_RECOVERY SET updated_at = @now WHERE {Held}",
                    new { recoveryId = id, owner, now = Millis(now) },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (held != 1)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return false;
                }

                int recovered = 0, rejected = 0, refused = 0;
                long bytes = 0;
                foreach (var item in outcomes)
                {
                    if (item.Outcome == RecoveryItemOutcome.Pending)
                    {
                        continue;
                    }

                    var itemBytes = item.Outcome == RecoveryItemOutcome.Recovered ? item.Bytes : 0;
                    var changed = await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE CR_RECOVERY_ITEM SET outcome = @outcome, reason = @reason, bytes = @bytes, completed_at = @completedAt " +
                        "WHERE recovery_id = @recoveryId AND transaction_id = @transactionId AND outcome = 'PENDING'",
                        new
                        {
                            recoveryId = id,
                            transactionId = item.TransactionId.ToString(),
                            outcome = item.Outcome.ToName(),
                            reason = item.Reason,
                            bytes = itemBytes,
                            completedAt = Millis(item.CompletedAt ?? now),
                        },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                    if (changed != 1)
                    {
                        continue;
                    }

                    switch (item.Outcome)
                    {
                        case RecoveryItemOutcome.Recovered:
                            recovered++;
                            bytes += itemBytes;
                            break;
                        case RecoveryItemOutcome.Rejected:
                            rejected++;
                            break;
                        default:
                            refused++;
                            break;
                    }
                }

                if (recovered + rejected + refused > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE CR_RECOVERY SET recovered_count = recovered_count + @recovered, rejected_count = rejected_count + @rejected, " +
                        "refused_count = refused_count + @refused, bytes_recovered = bytes_recovered + @bytes WHERE recovery_id = @recoveryId",
                        new { recoveryId = id, recovered, rejected, refused, bytes },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    private async Task<IReadOnlyList<RecoveryStatus>> QueryWriteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var rows = await connection.QueryAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                var statuses = rows.Select(r => ToStatus((IDictionary<string, object?>)r)).ToList();
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return statuses;
            }
        }
    }

    private async Task<IReadOnlyList<RecoveryStatus>> QueryAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(r => ToStatus((IDictionary<string, object?>)r))];
        }
    }

    private static RecoveryStatus ToStatus(IDictionary<string, object?> row) => new()
    {
        RecoveryId = Guid.Parse((string)row["recovery_id"]!),
        PartyName = PartyName.Parse((string)row["party_name"]!),
        State = RecoveryStateNames.ParseState((string)row["state"]!),
        RequestedCount = Int(row["requested_count"]),
        RecoveredCount = Int(row["recovered_count"]),
        RejectedCount = Int(row["rejected_count"]),
        RefusedCount = Int(row["refused_count"]),
        BytesRecovered = Convert.ToInt64(row["bytes_recovered"], CultureInfo.InvariantCulture),
        CreatedAt = Time(row["created_at"])!.Value,
        StartedAt = Time(row["started_at"]),
        FinishedAt = Time(row["finished_at"]),
        UpdatedAt = Time(row["updated_at"]),
        Error = row["error"] as string,
        Owner = row["owner"] as string,
        LeaseUntil = Time(row["lease_until"]),
        ClaimCount = Int(row["claim_count"]),
    };

    private static RecoveryItem ToItem(IDictionary<string, object?> row) => new()
    {
        Position = Int(row["item_position"]),
        TransactionId = TransactionId.Parse((string)row["transaction_id"]!),
        Outcome = RecoveryStateNames.ParseOutcome((string)row["outcome"]!),
        Reason = row["reason"] as string,
        Bytes = Convert.ToInt64(row["bytes"], CultureInfo.InvariantCulture),
        CompletedAt = Time(row["completed_at"]),
    };

    private static RecoveryStatus? FirstOrNull(IReadOnlyList<RecoveryStatus> statuses) => statuses.Count == 0 ? null : statuses[0];

    private static int Int(object? value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(object? value) =>
        value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));

    private static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private sealed class Claim(SqlRecoveryStore store, RecoveryStatus recovery, string owner) : IRecoveryClaim
    {
        public RecoveryStatus Recovery { get; } = recovery;

        public Task<bool> RenewAsync(DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
            store.UpdateHeldAsync(Recovery.RecoveryId, owner, "lease_until = @leaseUntil", new { leaseUntil = Millis(leaseUntil) }, cancellationToken);

        public Task<bool> RecordAsync(IReadOnlyList<RecoveryItem> outcomes, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(outcomes);
            return store.RecordHeldAsync(Recovery.RecoveryId, owner, outcomes, now, cancellationToken);
        }

        public Task<bool> FinishAsync(RecoveryState state, string? error, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            RecoveryClaimRules.CheckFinish(state, error);
            return store.UpdateHeldAsync(
                Recovery.RecoveryId,
                owner,
                "state = @state, error = @error, finished_at = @now, updated_at = @now, owner = NULL, lease_until = NULL",
                new { state = state.ToName(), error = state == RecoveryState.Failed ? error : null, now = Millis(now) },
                cancellationToken);
        }

        public Task<bool> ReleaseAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
            store.UpdateHeldAsync(Recovery.RecoveryId, owner, "state = 'QUEUED', owner = NULL, lease_until = NULL, updated_at = @now", new { now = Millis(now) }, cancellationToken);
    }
}
