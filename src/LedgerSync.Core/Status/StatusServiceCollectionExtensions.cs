using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the status store's defaults.</summary>
internal static class StatusServiceCollectionExtensions
{
    /// <summary>
    /// The in-memory status store unless another is chosen, and the run history: the status store itself when it keeps
    /// one (<see cref="IReconciliationRunHistory"/>), else the history of the store a decorator wraps, otherwise a
    /// history that is always empty.
    /// </summary>
    internal static IServiceCollection AddLedgerSyncStatus(this IServiceCollection services)
    {
        services.TryAddSingleton<IStatusStore, InMemoryStatusStore>();
        services.TryAddSingleton<IReconciliationRunHistory>(sp =>
            sp.GetRequiredService<IStatusStore>() as IReconciliationRunHistory
                ?? sp.GetService<DecoratedRunHistory>()?.History
                ?? EmptyRunHistory.Instance);
        return services;
    }
}
