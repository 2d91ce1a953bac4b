using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Dapper.Schema;

/// <summary>
/// Creates and upgrades the reconciliation tables (<c>CR_RECONCILIATION_STATUS</c>, <c>CR_RECONCILIATION_RUN_HISTORY</c>,
/// <c>CR_RECONCILIATION_JOB</c>; from version 2 the recovery tables <c>CR_RECOVERY</c> and <c>CR_RECOVERY_ITEM</c>) and records their version in <c>LEDGERSYNC_SCHEMA_VERSION</c> (component
/// <c>reconciliation</c>). Each migration runs in one transaction under a database-wide lock (an advisory lock on
/// PostgreSQL, a write transaction on SQLite), so several nodes starting at once upgrade the schema exactly once.
/// </summary>
internal sealed partial class ReconciliationSchema(SqlDialect dialect, Func<DbConnection> connectionFactory, TimeProvider time, ILogger logger)
{
    /// <summary>The schema version this library writes.</summary>
    public const int CurrentVersion = 2;

    private const string Component = "reconciliation";
    private const long AdvisoryLockKey = 0x4C53_5343_4845_4D41; // "LSSCHEMA"

    private Task? _ensured;

    public SqlDialect Dialect => dialect;

    /// <summary>Opens a connection, creating or upgrading the schema first (once per process).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);

        return await OpenRawAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Begins a write transaction: <c>BEGIN IMMEDIATE</c> on SQLite (single writer), read committed on PostgreSQL.</summary>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(dialect == SqlDialect.Sqlite ? IsolationLevel.Serializable : IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    /// <summary>Creates or upgrades the schema (once per instance; again after a failure).</summary>
    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _ensured);
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            var fresh = EnsureCoreAsync(CancellationToken.None);
            current = Interlocked.CompareExchange(ref _ensured, fresh, current) == current ? fresh : Volatile.Read(ref _ensured)!;
        }

        return current.IsCompletedSuccessfully ? Task.CompletedTask : current.WaitAsync(cancellationToken);
    }

    private async Task EnsureCoreAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenRawAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (dialect == SqlDialect.PostgreSql)
                {
                    await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = AdvisoryLockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "CREATE TABLE IF NOT EXISTS LEDGERSYNC_SCHEMA_VERSION (component VARCHAR(64) NOT NULL PRIMARY KEY, version INTEGER NOT NULL, applied_at BIGINT NOT NULL)",
                    transaction: transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                var found = await connection.ExecuteScalarAsync<object?>(new CommandDefinition(
                    "SELECT version FROM LEDGERSYNC_SCHEMA_VERSION WHERE component = @component",
                    new { component = Component },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                var version = found is null or DBNull ? 0 : Convert.ToInt32(found, CultureInfo.InvariantCulture);
                if (version > CurrentVersion)
                {
                    throw new LedgerSyncException(
                        $"The database holds reconciliation schema version {version}, newer than this version of LedgerSync.Dapper understands ({CurrentVersion}). Upgrade the package on this node.");
                }

                for (var next = version + 1; next <= CurrentVersion; next++)
                {
                    foreach (var statement in Migration(next))
                    {
                        await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    }

                    Log.SchemaMigrated(logger, next, dialect);
                }

                if (version < CurrentVersion)
                {
                    var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                    await connection.ExecuteAsync(new CommandDefinition(
                        version == 0
                            ? "INSERT INTO LEDGERSYNC_SCHEMA_VERSION (component, version, applied_at) VALUES (@component, @version, @now)"
                            : "UPDATE LEDGERSYNC_SCHEMA_VERSION SET version = @version, applied_at = @now WHERE component = @component",
                        new { component = Component, version = CurrentVersion, now },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<DbConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = connectionFactory() ?? throw new InvalidOperationException("The connection factory returned null.");
        try
        {
            if (connection.State != ConnectionState.Open)
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string[] Migration(int version) => version switch
    {
        1 =>
        [
            """
            CREATE TABLE CR_RECONCILIATION_STATUS (
                party_name VARCHAR(1024) NOT NULL,
                is_requester BOOLEAN NOT NULL,
                state_machine_id VARCHAR(36) NULL,
                last_successful_reconciliation_time_started BIGINT NULL,
                last_successful_reconciliation_time_finished BIGINT NULL,
                last_successful_reconciliation_status VARCHAR(32) NULL,
                last_successful_reconciliation_result TEXT NOT NULL,
                last_reconciliation_time_started BIGINT NULL,
                last_reconciliation_time_finished BIGINT NULL,
                last_reconciliation_status VARCHAR(32) NULL,
                last_reconciliation_error TEXT NULL,
                PRIMARY KEY (party_name, is_requester))
            """,
            $"""
            CREATE TABLE CR_RECONCILIATION_RUN_HISTORY (
                id {(dialect == SqlDialect.Sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")},
                run_id VARCHAR(36) NOT NULL,
                party_name VARCHAR(1024) NOT NULL,
                is_requester BOOLEAN NOT NULL,
                status VARCHAR(32) NOT NULL,
                recorded_at BIGINT NOT NULL,
                differences INTEGER NOT NULL,
                error TEXT NULL)
            """,
            "CREATE INDEX IX_CR_RECONCILIATION_RUN_HISTORY_PARTY ON CR_RECONCILIATION_RUN_HISTORY (party_name, is_requester, recorded_at)",
            """
            CREATE TABLE CR_RECONCILIATION_JOB (
                job_id VARCHAR(36) NOT NULL PRIMARY KEY,
                party_name VARCHAR(1024) NOT NULL,
                is_requester BOOLEAN NOT NULL,
                run_id VARCHAR(36) NOT NULL,
                state VARCHAR(16) NOT NULL,
                due_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                repeat_every_ms BIGINT NULL,
                attempt INTEGER NOT NULL,
                first_attempt_at BIGINT NULL,
                interrupted_run_id VARCHAR(36) NULL,
                owner VARCHAR(256) NULL,
                lease_until BIGINT NULL)
            """,
            "CREATE UNIQUE INDEX UX_CR_RECONCILIATION_JOB_OUTGOING ON CR_RECONCILIATION_JOB (party_name) WHERE is_requester = TRUE",
            "CREATE INDEX IX_CR_RECONCILIATION_JOB_DUE ON CR_RECONCILIATION_JOB (is_requester, state, due_at)",
        ],
        2 =>
        [
            // Recovery: one row per recovery (the durable queue and the history) and one per requested transaction.
            """
            CREATE TABLE CR_RECOVERY (
                recovery_id VARCHAR(36) NOT NULL PRIMARY KEY,
                party_name VARCHAR(1024) NOT NULL,
                state VARCHAR(16) NOT NULL,
                requested_count INTEGER NOT NULL,
                recovered_count INTEGER NOT NULL,
                rejected_count INTEGER NOT NULL,
                refused_count INTEGER NOT NULL,
                bytes_recovered BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                started_at BIGINT NULL,
                finished_at BIGINT NULL,
                updated_at BIGINT NULL,
                error TEXT NULL,
                owner VARCHAR(256) NULL,
                lease_until BIGINT NULL,
                claim_count INTEGER NOT NULL)
            """,
            "CREATE UNIQUE INDEX UX_CR_RECOVERY_ACTIVE ON CR_RECOVERY (party_name) WHERE state IN ('QUEUED', 'IN_PROGRESS')",
            "CREATE INDEX IX_CR_RECOVERY_STATE ON CR_RECOVERY (state, created_at)",
            "CREATE INDEX IX_CR_RECOVERY_PARTY ON CR_RECOVERY (party_name, created_at)",
            """
            CREATE TABLE CR_RECOVERY_ITEM (
                recovery_id VARCHAR(36) NOT NULL,
                item_position INTEGER NOT NULL,
                transaction_id VARCHAR(64) NOT NULL,
                outcome VARCHAR(16) NOT NULL,
                reason TEXT NULL,
                bytes BIGINT NOT NULL,
                completed_at BIGINT NULL,
                PRIMARY KEY (recovery_id, item_position))
            """,
            "CREATE UNIQUE INDEX UX_CR_RECOVERY_ITEM_TRANSACTION ON CR_RECOVERY_ITEM (recovery_id, transaction_id)",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown schema version."),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Reconciliation schema migrated to version {Version} ({Dialect})")]
        public static partial void SchemaMigrated(ILogger logger, int version, SqlDialect dialect);
    }
}
