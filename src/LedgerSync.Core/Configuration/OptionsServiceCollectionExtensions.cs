using LedgerSync;
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the options services of LedgerSync.</summary>
internal static class OptionsServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncOptions(this IServiceCollection services, Action<LedgerSyncOptions>? configure)
    {
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddOptions<LedgerSyncOptions>();
        return services;
    }
}
