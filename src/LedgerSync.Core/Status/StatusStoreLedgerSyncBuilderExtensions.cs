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
    /// <typeparam name="TStore">The store type; it must apply the semantics documented on <see cref="IStatusStore"/>.</typeparam>
    public static ILedgerSyncBuilder UseStatusStore<TStore>(this ILedgerSyncBuilder builder)
        where TStore : class, IStatusStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IStatusStore, TStore>());
        return builder;
    }
}
