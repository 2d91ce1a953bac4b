using System.Data.Common;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Scheduling;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the scheduler's job queue in a SQL database (SQLite or PostgreSQL) through Dapper.</summary>
public static class SqlJobStoreLedgerSyncBuilderExtensions
{
    /// <summary>
    /// Keeps the scheduler's job queue (<c>CR_RECONCILIATION_JOB</c>) in the database that
    /// <paramref name="connectionFactory"/> connects to, so queued, timed, recurring and cut-off jobs survive restarts
    /// and several node instances can share the work, each job running exactly once. The schema is created and upgraded
    /// automatically. For example
    /// <c>.UseSqlJobStore(SqlDialect.Sqlite, () =&gt; new SqliteConnection("Data Source=ledgersync.db"))</c>.
    /// </summary>
    public static ILedgerSyncBuilder UseSqlJobStore(this ILedgerSyncBuilder builder, SqlDialect dialect, Func<DbConnection> connectionFactory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionFactory);
        return builder.UseJobStore(sp => new SqlReconciliationJobStore(
            dialect, connectionFactory, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SqlReconciliationJobStore>>()));
    }

    /// <summary>
    /// Keeps the scheduler's job queue in the database of <paramref name="dataSource"/> (for example an
    /// <c>NpgsqlDataSource</c>, which pools connections): <c>.UseSqlJobStore(SqlDialect.PostgreSql, dataSource)</c>.
    /// The container does not dispose the data source; its owner does.
    /// </summary>
    public static ILedgerSyncBuilder UseSqlJobStore(this ILedgerSyncBuilder builder, SqlDialect dialect, DbDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UseSqlJobStore(dialect, dataSource.CreateConnection);
    }
}
