using LedgerSync.Scheduling;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where the scheduler keeps its queue of jobs.</summary>
public static class JobStoreLedgerSyncBuilderExtensions
{
    /// <summary>Keeps the job queue in process memory (the default): queued and timed jobs do not survive the process.</summary>
    public static ILedgerSyncBuilder UseInMemoryJobStore(this ILedgerSyncBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseJobStore(_ => new InMemoryReconciliationJobStore());
    }

    /// <summary>Keeps the job queue in a store of your own, resolved from the container as a singleton (both its runtime and its query interface).</summary>
    /// <typeparam name="TStore">The store type; every method must be one atomic step (see <see cref="IReconciliationJobStore"/>).</typeparam>
    public static ILedgerSyncBuilder UseJobStore<TStore>(this ILedgerSyncBuilder builder)
        where TStore : class, IReconciliationJobStore, IReconciliationJobQueries
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TStore>();
        return builder.UseJobStore(sp => sp.GetRequiredService<TStore>());
    }

    /// <summary>
    /// Keeps the job queue in the store <paramref name="factory"/> creates once (it can wrap another store, for example
    /// to decorate it); the same instance serves as <see cref="IReconciliationJobStore"/> and <see cref="IReconciliationJobQueries"/>.
    /// </summary>
    public static ILedgerSyncBuilder UseJobStore<TStore>(this ILedgerSyncBuilder builder, Func<IServiceProvider, TStore> factory)
        where TStore : class, IReconciliationJobStore, IReconciliationJobQueries
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(sp => new JobStoreRegistration(factory(sp))));
        return builder;
    }
}
