using System.Data.Common;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Status;
using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps LedgerSync's statuses, scheduler jobs and recoveries in a SQL database (SQLite or PostgreSQL) through Dapper.</summary>
/// <remarks>
/// The host supplies the ADO.NET driver: a connection factory such as <c>() =&gt; new SqliteConnection("Data Source=ledgersync.db")</c>,
/// or a <see cref="DbDataSource"/> where the driver has one (Npgsql's <c>NpgsqlDataSource</c>). Tables are created and
/// upgraded automatically on first use; see <c>docs/storage.md</c> for the tables and their columns.
/// </remarks>
public static class SqlStorageLedgerSyncBuilderExtensions
{
    /// <summary>
    /// Stores reconciliation statuses (<c>CR_RECONCILIATION_STATUS</c> and the run history
    /// <c>CR_RECONCILIATION_RUN_HISTORY</c>) in the database that <paramref name="connectionFactory"/> connects to,
    /// for example <c>.UseSqlStatusStore(SqlDialect.Sqlite, () =&gt; new SqliteConnection("Data Source=ledgersync.db"))</c>.
    /// The scheduler's job queue is not affected; <see cref="UseSqlStorage(ILedgerSyncBuilder, SqlDialect, Func{DbConnection})"/>
    /// puts both in the database.
    /// </summary>
    public static ILedgerSyncBuilder UseSqlStatusStore(this ILedgerSyncBuilder builder, SqlDialect dialect, Func<DbConnection> connectionFactory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionFactory);
        builder.Services.Replace(ServiceDescriptor.Singleton<IStatusStore>(sp => new SqlStatusStore(
            dialect, connectionFactory, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SqlStatusStore>>())));
        return builder;
    }

    /// <summary>
    /// Stores reconciliation statuses in the database of <paramref name="dataSource"/>, for example
    /// <c>.UseSqlStatusStore(SqlDialect.PostgreSql, NpgsqlDataSource.Create(connectionString))</c>. The data source is
    /// used, not owned: dispose it with the host (register it in the container, or keep it for the host's lifetime).
    /// </summary>
    public static ILedgerSyncBuilder UseSqlStatusStore(this ILedgerSyncBuilder builder, SqlDialect dialect, DbDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UseSqlStatusStore(dialect, dataSource.CreateConnection);
    }

    /// <summary>
    /// Stores the statuses (see <see cref="UseSqlStatusStore(ILedgerSyncBuilder, SqlDialect, Func{DbConnection})"/>),
    /// the scheduler's job queue (<c>CR_RECONCILIATION_JOB</c>) and the recoveries (<c>CR_RECOVERY</c>,
    /// <c>CR_RECOVERY_ITEM</c>) in the database that <paramref name="connectionFactory"/> connects to, so queued and
    /// timed jobs and recoveries survive restarts and several node instances can share the work.
    /// </summary>
    public static ILedgerSyncBuilder UseSqlStorage(this ILedgerSyncBuilder builder, SqlDialect dialect, Func<DbConnection> connectionFactory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionFactory);
        return builder.UseSqlStatusStore(dialect, connectionFactory).UseSqlJobStore(dialect, connectionFactory).UseSqlRecoveryStore(dialect, connectionFactory);
    }

    /// <summary>
    /// Stores the statuses, the scheduler's job queue and the recoveries in the database of <paramref name="dataSource"/>, for
    /// example <c>.UseSqlStorage(SqlDialect.PostgreSql, dataSource)</c> with an <c>NpgsqlDataSource</c>.
    /// </summary>
    public static ILedgerSyncBuilder UseSqlStorage(this ILedgerSyncBuilder builder, SqlDialect dialect, DbDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UseSqlStorage(dialect, dataSource.CreateConnection);
    }
}
