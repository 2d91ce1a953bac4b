using LedgerSync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the options services of LedgerSync.</summary>
internal static class OptionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers validation (once, however often it is called), the binding of <paramref name="configuration"/> (once per
    /// configuration instance) and <paramref name="configure"/> (once per delegate; code runs after every binding).
    /// </summary>
    internal static IServiceCollection AddLedgerSyncOptions(this IServiceCollection services, IConfiguration? configuration, Action<LedgerSyncOptions>? configure)
    {
        if (!services.Any(static d => d.ServiceType == typeof(LedgerSyncOptionsRegistration)))
        {
            services.AddSingleton<LedgerSyncOptionsRegistration>();
            services.AddOptions<LedgerSyncOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LedgerSyncOptions>, LedgerSyncOptionsValidator>());
        }

        if (configuration is not null)
        {
            // Binding the same configuration twice would be idempotent; registering it once keeps the container tidy.
            if (!services.Any(d => d.ImplementationInstance is LedgerSyncOptionsBinder binder && ReferenceEquals(binder.Source, configuration)))
            {
                var section = SectionOf(configuration);
                services.AddSingleton<IConfigureOptions<LedgerSyncOptions>>(new LedgerSyncOptionsBinder(configuration, section));
                services.AddSingleton<IOptionsChangeTokenSource<LedgerSyncOptions>>(new ConfigurationChangeTokenSource<LedgerSyncOptions>(Microsoft.Extensions.Options.Options.DefaultName, section));
            }
        }

        if (configure is not null
            && !services.Any(d => d.ImplementationInstance is PostConfigureOptions<LedgerSyncOptions> existing && Equals(existing.Action, configure)))
        {
            services.AddSingleton<IPostConfigureOptions<LedgerSyncOptions>>(new PostConfigureOptions<LedgerSyncOptions>(Microsoft.Extensions.Options.Options.DefaultName, configure));
        }

        return services;
    }

    // Accepts the root configuration (binds its "LedgerSync" section) or the section itself.
    private static IConfiguration SectionOf(IConfiguration configuration) =>
        configuration is IConfigurationSection section && string.Equals(section.Key, LedgerSyncOptions.SectionName, StringComparison.OrdinalIgnoreCase)
            ? section
            : configuration.GetSection(LedgerSyncOptions.SectionName);

    /// <summary>Marks the once-only registrations as done.</summary>
    private sealed class LedgerSyncOptionsRegistration;
}
