using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where LedgerSync keeps reconciliation statuses.</summary>
public static class StatusStoreLedgerSyncBuilderExtensions
{
    /// <summary>Keeps statuses in process memory (the default; lost when the process ends).</summary>
    public static ILedgerSyncBuilder UseInMemoryStatusStore(this ILedgerSyncBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IStatusStore, InMemoryStatusStore>());
        return builder;
    }

    /// <summary>Keeps statuses in a store of your own, resolved from the container as a singleton.</summary>
    /// <typeparam name="TStore">The store type; it must keep rows as documented on <see cref="IStatusStore"/>.</typeparam>
    public static ILedgerSyncBuilder UseStatusStore<TStore>(this ILedgerSyncBuilder builder)
        where TStore : class, IStatusStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IStatusStore, TStore>());
        return builder;
    }

    /// <summary>
    /// Keeps statuses in the store that <paramref name="factory"/> builds (once, a singleton), for example a store
    /// wrapped in a decorator of your own.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddLedgerSync(configuration)
    ///     .UseStatusStore(sp => new AuditingStatusStore(
    ///         new SqlStatusStore(SqlDialect.PostgreSql, dataSource),
    ///         sp.GetRequiredService&lt;ILogger&lt;AuditingStatusStore&gt;&gt;()));
    /// </code>
    /// </example>
    public static ILedgerSyncBuilder UseStatusStore(this ILedgerSyncBuilder builder, Func<IServiceProvider, IStatusStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>
    /// Wraps the status store registered so far (the in-memory default, or what an earlier <c>Use…StatusStore</c>
    /// chose) in a decorator: <paramref name="decorate"/> receives the container and that store and returns the store
    /// LedgerSync uses. Call it after choosing the store; decorators applied in turn nest, the last outermost. The run
    /// history (<see cref="IReconciliationRunHistory"/>) stays the wrapped store's unless the decorator implements it.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddLedgerSync(configuration)
    ///     .UseSqlStatusStore(SqlDialect.Sqlite, () => new SqliteConnection("Data Source=ledgersync.db"))
    ///     .DecorateStatusStore((sp, inner) => new AuditingStatusStore(inner, sp.GetRequiredService&lt;ILogger&lt;AuditingStatusStore&gt;&gt;()));
    /// </code>
    /// </example>
    public static ILedgerSyncBuilder DecorateStatusStore(this ILedgerSyncBuilder builder, Func<IServiceProvider, IStatusStore, IStatusStore> decorate)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(decorate);
        var inner = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IStatusStore) && !d.IsKeyedService)
            ?? ServiceDescriptor.Singleton<IStatusStore, InMemoryStatusStore>();
        builder.Services.TryAddSingleton<DecoratedRunHistory>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IStatusStore>(sp =>
        {
            var store = Resolve(sp, inner);
            if (store is IReconciliationRunHistory history)
            {
                sp.GetRequiredService<DecoratedRunHistory>().Offer(history);
            }

            return decorate(sp, store);
        }));
        return builder;
    }

    private static IStatusStore Resolve(IServiceProvider services, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: IStatusStore instance } => instance,
        { ImplementationFactory: { } factory } => (IStatusStore)factory(services),
        _ => (IStatusStore)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!),
    };
}
