using System.Data.Common;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Status;
using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps LedgerSync's statuses and scheduler jobs in a SQL database (SQLite or PostgreSQL) through Dapper.</summary>
public static class SqlStorageLedgerSyncBuilderExtensions
{
    /// <summary>
    /// Stores reconciliation statuses (<c>CR_RECONCILIATION_STATUS</c> and the run history) and the scheduler's job
    /// queue (<c>CR_RECONCILIATION_JOB</c>) in the database that <paramref name="connectionFactory"/> connects to, so
    /// queued and timed jobs survive restarts and several node instances can share the work. The schema is created and
    /// upgraded automatically. The host supplies the ADO.NET driver, for example
    /// <c>.UseSqlStatusStore(SqlDialect.Sqlite, () =&gt; new SqliteConnection("Data Source=ledgersync.db"))</c> or
    /// <c>.UseSqlStatusStore(SqlDialect.PostgreSql, dataSource.CreateConnection)</c>.
    /// </summary>
    public static ILedgerSyncBuilder UseSqlStatusStore(this ILedgerSyncBuilder builder, SqlDialect dialect, Func<DbConnection> connectionFactory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionFactory);
        builder.Services.Replace(ServiceDescriptor.Singleton<IStatusStore>(sp => new SqlStatusStore(
            dialect, connectionFactory, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SqlStatusStore>>())));
        return builder.UseSqlJobStore(dialect, connectionFactory);
    }
}
