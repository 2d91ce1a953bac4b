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
        builder.Services.Replace(ServiceDescriptor.Singleton<IReconciliationJobStore, InMemoryReconciliationJobStore>());
        return builder;
    }

    /// <summary>Keeps the job queue in a store of your own, resolved from the container as a singleton.</summary>
    /// <typeparam name="TStore">The store type; every method must be one atomic step (see <see cref="IReconciliationJobStore"/>).</typeparam>
    public static ILedgerSyncBuilder UseJobStore<TStore>(this ILedgerSyncBuilder builder)
        where TStore : class, IReconciliationJobStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IReconciliationJobStore, TStore>());
        return builder;
    }
}
