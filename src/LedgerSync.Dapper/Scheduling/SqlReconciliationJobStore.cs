using System.Data.Common;
using System.Globalization;
using Dapper;
using LedgerSync.Dapper.Schema;
using LedgerSync.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Dapper.Scheduling;

/// <summary>
/// The scheduler's persisted job queue in the <c>CR_RECONCILIATION_JOB</c> table. Every operation is one statement in
/// one transaction. On PostgreSQL a claim locks the chosen row with <c>FOR UPDATE SKIP LOCKED</c>, so several node
/// instances sharing the database never claim the same job; on SQLite every write runs in a <c>BEGIN IMMEDIATE</c>
/// transaction (a single writer), which gives the same guarantee for processes sharing one database file.
/// A unique index allows one outgoing job per party.
/// </summary>
public sealed class SqlReconciliationJobStore : IReconciliationJobStore, IReconciliationJobQueries
{
    private const string Columns =
        "job_id, party_name, is_requester, run_id, state, due_at, created_at, repeat_every_ms, attempt, first_attempt_at, interrupted_run_id, owner, lease_until";

    private const string Queued = "QUEUED";
    private const string Running = "RUNNING";

    private readonly ReconciliationSchema _schema;
    private readonly string _skipLocked;

    /// <summary>Creates the store.</summary>
    /// <param name="dialect">The database's SQL dialect.</param>
    /// <param name="connectionFactory">Creates a new connection for each operation.</param>
    /// <param name="timeProvider">The clock for the schema's <c>applied_at</c> (the system clock when <see langword="null"/>).</param>
    /// <param name="logger">Where schema changes are logged.</param>
    public SqlReconciliationJobStore(SqlDialect dialect, Func<DbConnection> connectionFactory, TimeProvider? timeProvider = null, ILogger<SqlReconciliationJobStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connectionFactory);
        _schema = new ReconciliationSchema(dialect, connectionFactory, timeProvider ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance);
        _skipLocked = dialect == SqlDialect.PostgreSql ? " FOR UPDATE SKIP LOCKED" : string.Empty;
    }

    /// <inheritdoc />
    public Task<bool> TryAddAsync(ReconciliationJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return InsertAsync(job with { State = ReconciliationJobState.Queued, Owner = null, LeaseUntil = null }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReconciliationJobClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        var owner = ClaimTokens.New();
        var claimed = await QueryWriteAsync(
            "UPDATE CR_RECONCILIATION_JOB SET " +
            "run_id = CASE WHEN interrupted_run_id IS NOT NULL THEN @newRunId ELSE run_id END, " +
            "state = 'RUNNING', owner = @owner, lease_until = @leaseUntil " +
            "WHERE job_id = (SELECT job_id FROM CR_RECONCILIATION_JOB WHERE is_requester = TRUE AND state = 'QUEUED' AND due_at <= @now " +
            $"ORDER BY due_at, created_at LIMIT 1{_skipLocked}) AND state = 'QUEUED' RETURNING {Columns}",
            new { owner, now = Millis(now), leaseUntil = Millis(leaseUntil), newRunId = Guid.NewGuid().ToString() },
            cancellationToken).ConfigureAwait(false);
        return claimed.Count == 0 ? null : new Claim(this, claimed[0], owner);
    }

    /// <inheritdoc />
    public async Task<IReconciliationJobClaim> AddClaimedAsync(ReconciliationJob job, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var owner = ClaimTokens.New();
        var claimed = job with { State = ReconciliationJobState.Running, Owner = owner, LeaseUntil = leaseUntil };
        if (!await InsertAsync(claimed, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"A job with ID {job.JobId} (or an outgoing job with {job.Party}) already exists.");
        }

        return new Claim(this, claimed, owner);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReconciliationJob>> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var parameters = new { now = Millis(now) };
                var expired = (await connection.QueryAsync(new CommandDefinition(
                    $"SELECT {Columns} FROM CR_RECONCILIATION_JOB WHERE state = 'RUNNING' AND lease_until < @now{_skipLocked}",
                    parameters,
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => ToJob((IDictionary<string, object?>)r)).ToList();
                foreach (var job in expired)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        job.IsRequester
                            ? "UPDATE CR_RECONCILIATION_JOB SET state = 'QUEUED', owner = NULL, lease_until = NULL, interrupted_run_id = run_id, attempt = 0, first_attempt_at = NULL WHERE job_id = @jobId AND owner = @owner"
                            : "DELETE FROM CR_RECONCILIATION_JOB WHERE job_id = @jobId AND owner = @owner",
                        new { jobId = job.JobId.ToString(), owner = job.Owner },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return expired;
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> RemoveForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return QueryWriteAsync($"DELETE FROM CR_RECONCILIATION_JOB WHERE party_name = @party RETURNING {Columns}", new { party = party.ToString() }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> GetForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return QueryAsync($"SELECT {Columns} FROM CR_RECONCILIATION_JOB WHERE party_name = @party ORDER BY due_at", new { party = party.ToString() }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReconciliationJob>> GetAllAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM CR_RECONCILIATION_JOB ORDER BY due_at, created_at", null, cancellationToken);

    /// <inheritdoc />
    public async Task<ReconciliationJobCounts> GetCountsAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync(new CommandDefinition(
                "SELECT is_requester, state, COUNT(*) AS n FROM CR_RECONCILIATION_JOB GROUP BY is_requester, state",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            int queued = 0, running = 0, incoming = 0;
            foreach (IDictionary<string, object?> row in rows)
            {
                var n = Convert.ToInt32(row["n"], CultureInfo.InvariantCulture);
                if (!Convert.ToBoolean(row["is_requester"], CultureInfo.InvariantCulture))
                {
                    incoming += n;
                }
                else if ((string)row["state"]! == Running)
                {
                    running += n;
                }
                else
                {
                    queued += n;
                }
            }

            return new ReconciliationJobCounts(queued, running, incoming);
        }
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var value = await connection.ExecuteScalarAsync<object?>(new CommandDefinition(
                "SELECT MIN(due_at) FROM CR_RECONCILIATION_JOB WHERE is_requester = TRUE AND state = 'QUEUED'",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }
    }

    private async Task<bool> InsertAsync(ReconciliationJob job, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"INSERT INTO CR_RECONCILIATION_JOB ({Columns}) VALUES (@jobId, @party, @isRequester, @runId, @state, @dueAt, @createdAt, @repeatEveryMs, @attempt, @firstAttemptAt, @interruptedRunId, @owner, @leaseUntil) ON CONFLICT DO NOTHING",
            new
            {
                jobId = job.JobId.ToString(),
                party = job.Party.ToString(),
                isRequester = job.IsRequester,
                runId = job.RunId.ToString(),
                state = job.State == ReconciliationJobState.Running ? Running : Queued,
                dueAt = Millis(job.DueAt),
                createdAt = Millis(job.CreatedAt),
                repeatEveryMs = job.RepeatEvery is { } every ? (long?)(long)every.TotalMilliseconds : null,
                attempt = job.Attempt,
                firstAttemptAt = Millis(job.FirstAttemptAt),
                interruptedRunId = job.InterruptedRunId?.ToString(),
                owner = job.Owner,
                leaseUntil = Millis(job.LeaseUntil),
            },
            cancellationToken).ConfigureAwait(false) == 1;

    private async Task<bool> UpdateHeldAsync(ReconciliationJob job, string owner, string set, object extra, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("jobId", job.JobId.ToString());
        parameters.Add("owner", owner);
        var sql = set.Length == 0
            ? "DELETE FROM CR_RECONCILIATION_JOB WHERE job_id = @jobId AND owner = @owner AND state = 'RUNNING'"
            : $"UPDATE CR_RECONCILIATION_JOB SET {set} WHERE job_id = @jobId AND owner = @owner AND state = 'RUNNING'";
        return await ExecuteAsync(sql, parameters, cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var affected = await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return affected;
            }
        }
    }

    private async Task<IReadOnlyList<ReconciliationJob>> QueryWriteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await _schema.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var rows = await connection.QueryAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                var jobs = rows.Select(r => ToJob((IDictionary<string, object?>)r)).ToList();
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return jobs;
            }
        }
    }

    private async Task<IReadOnlyList<ReconciliationJob>> QueryAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        var connection = await _schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(r => ToJob((IDictionary<string, object?>)r))];
        }
    }

    private static ReconciliationJob ToJob(IDictionary<string, object?> row) => new()
    {
        JobId = Guid.Parse((string)row["job_id"]!),
        Party = PartyName.Parse((string)row["party_name"]!),
        IsRequester = Convert.ToBoolean(row["is_requester"], CultureInfo.InvariantCulture),
        RunId = Guid.Parse((string)row["run_id"]!),
        State = (string)row["state"]! == Running ? ReconciliationJobState.Running : ReconciliationJobState.Queued,
        DueAt = Time(row["due_at"])!.Value,
        CreatedAt = Time(row["created_at"])!.Value,
        RepeatEvery = row["repeat_every_ms"] is null or DBNull ? null : TimeSpan.FromMilliseconds(Convert.ToInt64(row["repeat_every_ms"], CultureInfo.InvariantCulture)),
        Attempt = Convert.ToInt32(row["attempt"], CultureInfo.InvariantCulture),
        FirstAttemptAt = Time(row["first_attempt_at"]),
        InterruptedRunId = row["interrupted_run_id"] is string interrupted ? Guid.Parse(interrupted) : null,
        Owner = row["owner"] as string,
        LeaseUntil = Time(row["lease_until"]),
    };

    private static DateTimeOffset? Time(object? value) =>
        value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));

    private static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static long? Millis(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private sealed class Claim(SqlReconciliationJobStore store, ReconciliationJob job, string owner) : IReconciliationJobClaim
    {
        public ReconciliationJob Job => job;

        public Task<bool> RenewAsync(DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
            store.UpdateHeldAsync(job, owner, "lease_until = @leaseUntil", new { leaseUntil = Millis(leaseUntil) }, cancellationToken);

        public Task<bool> CompleteAsync(CancellationToken cancellationToken = default) =>
            store.UpdateHeldAsync(job, owner, string.Empty, new { }, cancellationToken);

        public Task<bool> RescheduleAsync(DateTimeOffset nextDueAt, Guid nextRunId, CancellationToken cancellationToken = default) =>
            store.UpdateHeldAsync(
                job,
                owner,
                "state = 'QUEUED', owner = NULL, lease_until = NULL, due_at = @dueAt, run_id = @nextRunId, attempt = 0, first_attempt_at = NULL, interrupted_run_id = NULL",
                new { dueAt = Millis(nextDueAt), nextRunId = nextRunId.ToString() },
                cancellationToken);

        public Task<bool> RetryLaterAsync(DateTimeOffset dueAt, DateTimeOffset firstAttemptAt, CancellationToken cancellationToken = default) =>
            store.UpdateHeldAsync(
                job,
                owner,
                "state = 'QUEUED', owner = NULL, lease_until = NULL, due_at = @dueAt, attempt = attempt + 1, first_attempt_at = COALESCE(first_attempt_at, @firstAttemptAt), interrupted_run_id = NULL",
                new { dueAt = Millis(dueAt), firstAttemptAt = Millis(firstAttemptAt) },
                cancellationToken);

        public Task<bool> ReleaseAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
            store.UpdateHeldAsync(
                job,
                owner,
                "state = 'QUEUED', owner = NULL, lease_until = NULL, due_at = @now, interrupted_run_id = run_id, attempt = 0, first_attempt_at = NULL",
                new { now = Millis(now) },
                cancellationToken);
    }
}
