using LedgerSync.Dashboard;
using LedgerSync.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the LedgerSync dashboard's services.</summary>
public static class LedgerSyncDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the dashboard's services (its options, antiforgery, and the reader over the node's LedgerSync services).
    /// Call it next to <c>AddLedgerSync()</c>, then map the pages with <c>app.MapLedgerSyncDashboard("/ledgersync")</c>.
    /// Calling it more than once is harmless; each <paramref name="configure"/> is applied.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the dashboard's options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddLedgerSyncDashboard(this IServiceCollection services, Action<LedgerSyncDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<LedgerSyncDashboardOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerSyncDashboardOptions>, LedgerSyncDashboardOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddAntiforgery();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LedgerSyncNodeReader>();
        services.TryAddSingleton<LedgerSyncNodeActions>();
        return services;
    }
}
