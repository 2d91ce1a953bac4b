using System.Data.Common;
using LedgerSync.Dapper;
using LedgerSync.Dapper.Recovery;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Recovery on SQL through Dapper: the durable recovery store, a generic-table payload source and a generic-table sink.</summary>
public static class SqlRecoveryLedgerSyncBuilderExtensions
{
    /// <summary>
    /// Keeps recoveries (<c>CR_RECOVERY</c>, one row per recovery, and <c>CR_RECOVERY_ITEM</c>, one row per requested
    /// transaction) in the database that <paramref name="connectionFactory"/> connects to, so a recovery queued or cut
    /// off by a restart resumes where it stopped and the history survives. The schema is created and upgraded
    /// automatically. <c>UseSqlStorage(...)</c> includes it.
    /// </summary>
    public static ILedgerSyncBuilder UseSqlRecoveryStore(this ILedgerSyncBuilder builder, SqlDialect dialect, Func<DbConnection> connectionFactory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionFactory);
        return builder.UseRecoveryStore(sp => new SqlRecoveryStore(
            dialect, connectionFactory, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SqlRecoveryStore>>()));
    }

    /// <summary>Keeps recoveries in the database of <paramref name="dataSource"/> (used, not owned).</summary>
    public static ILedgerSyncBuilder UseSqlRecoveryStore(this ILedgerSyncBuilder builder, SqlDialect dialect, DbDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UseSqlRecoveryStore(dialect, dataSource.CreateConnection);
    }

    /// <summary>
    /// Serves recovery requests (responder) from a table or query of the host's database through
    /// <see cref="SqlTransactionPayloadSource"/>, for example
    /// <c>.UseSqlTransactionPayloadSource(o =&gt; { o.ConnectionFactory = ...; o.Table = "ledger_transactions"; })</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are incomplete (checked here, at registration).</exception>
    public static ILedgerSyncBuilder UseSqlTransactionPayloadSource(this ILedgerSyncBuilder builder, Action<SqlTransactionPayloadSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqlTransactionPayloadSourceOptions();
        configure(options);
        return builder.UseTransactionPayloadSource(new SqlTransactionPayloadSource(options));
    }

    /// <summary>
    /// Stores recovered, verified transactions (requester) in a table of the host's database through
    /// <see cref="SqlRecoveredTransactionSink"/> (an idempotent insert), for example
    /// <c>.UseSqlRecoveredTransactionSink(o =&gt; { o.ConnectionFactory = ...; o.Table = "ledger_transactions"; })</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are incomplete (checked here, at registration).</exception>
    public static ILedgerSyncBuilder UseSqlRecoveredTransactionSink(this ILedgerSyncBuilder builder, Action<SqlRecoveredTransactionSinkOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqlRecoveredTransactionSinkOptions();
        configure(options);
        return builder.UseRecoveredTransactionSink(new SqlRecoveredTransactionSink(options));
    }
}
