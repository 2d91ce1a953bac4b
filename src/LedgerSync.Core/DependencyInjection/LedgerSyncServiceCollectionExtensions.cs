using LedgerSync;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LedgerSync in a service collection.</summary>
public static class LedgerSyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds LedgerSync: options (validated at start), the ledger graph, the protocol, the scheduler, the flows and
    /// diagnostics, with in-memory defaults for the plug-ins. Calling it more than once is harmless: services are
    /// registered once. The registrations are <see cref="LedgerSync.LedgerSyncNodeBuilder"/>'s one composition of a node, run
    /// here into the host's services; the immutable <see cref="LedgerSync.LedgerSyncNodeConfiguration"/> is resolvable from
    /// the container, made by the builder's <see cref="LedgerSync.LedgerSyncNodeBuilder.BuildConfiguration"/> from the bound
    /// options and the host's clock, logging and metrics.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to choose the transaction source, peer transport and status store.</returns>
    public static ILedgerSyncBuilder AddLedgerSync(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return LedgerSyncNodeBuilder.Compose(services, configuration: null, configure: null);
    }

    /// <summary>
    /// Adds LedgerSync (see <see cref="AddLedgerSync(IServiceCollection)"/>) with options set in code. The same
    /// <paramref name="configure"/> delegate is applied once however often it is passed; different delegates are all
    /// applied, in the order of the calls, after any configuration binding.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code (applied after configuration binding); <see langword="null"/> sets nothing.</param>
    /// <returns>A builder to choose the transaction source, peer transport and status store.</returns>
    public static ILedgerSyncBuilder AddLedgerSync(this IServiceCollection services, Action<LedgerSyncOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        return LedgerSyncNodeBuilder.Compose(services, configuration: null, configure);
    }

    /// <summary>
    /// Adds LedgerSync (see <see cref="AddLedgerSync(IServiceCollection)"/>) with its options bound from the
    /// <c>LedgerSync</c> section of <paramref name="configuration"/> (keys as the reference product spells them, case
    /// ignored; durations such as <c>1H</c> or <c>00:30:00</c>; see <see cref="LedgerSyncDuration"/>), reloaded when
    /// the configuration changes (<c>IOptionsMonitor</c>). A value that does not parse stops the host at start, with
    /// every other bad value. The same configuration instance is bound once however often it is passed.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application's configuration, or its <c>LedgerSync</c> section itself.</param>
    /// <returns>A builder to choose the transaction source, peer transport and status store.</returns>
    public static ILedgerSyncBuilder AddLedgerSync(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return LedgerSyncNodeBuilder.Compose(services, configuration, configure: null);
    }

    /// <summary>
    /// Adds LedgerSync with its options bound from <paramref name="configuration"/> (see
    /// <see cref="AddLedgerSync(IServiceCollection, IConfiguration)"/>), then set by <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application's configuration, or its <c>LedgerSync</c> section itself.</param>
    /// <param name="configure">Sets options in code, applied after the configuration is bound; <see langword="null"/> sets nothing.</param>
    /// <returns>A builder to choose the transaction source, peer transport and status store.</returns>
    public static ILedgerSyncBuilder AddLedgerSync(this IServiceCollection services, IConfiguration configuration, Action<LedgerSyncOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return LedgerSyncNodeBuilder.Compose(services, configuration, configure);
    }
}
