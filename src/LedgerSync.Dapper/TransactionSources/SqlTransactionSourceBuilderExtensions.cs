using LedgerSync.Dapper.TransactionSources;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the SQL transaction source.</summary>
public static class SqlTransactionSourceBuilderExtensions
{
    /// <summary>Loads the ledger graph from the host's tables through <see cref="SqlTransactionSource"/>.</summary>
    /// <param name="builder">The LedgerSync builder.</param>
    /// <param name="configure">Sets the connection factory, dialect and query.</param>
    public static ILedgerSyncBuilder UseSqlTransactionSource(this ILedgerSyncBuilder builder, Action<SqlTransactionSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SqlTransactionSourceOptions();
        configure(options);
        return builder.UseTransactionSource(new SqlTransactionSource(options));
    }
}
