using LedgerSync;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LedgerSync in a service collection.</summary>
public static class LedgerSyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds LedgerSync: options (validated at start), the ledger graph, the protocol, the scheduler, the flows and
    /// diagnostics, with in-memory defaults for the plug-ins. Calling it more than once is harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code (applied after configuration binding).</param>
    /// <returns>A builder to choose the transaction source, peer transport and status store.</returns>
    public static ILedgerSyncBuilder AddLedgerSync(this IServiceCollection services, Action<LedgerSyncOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddSingleton(TimeProvider.System);
        services.AddLedgerSyncOptions(configure);
        services.AddLedgerSyncDiagnostics();
        services.AddLedgerSyncLedger();
        services.AddLedgerSyncProtocol();
        services.AddLedgerSyncScheduling();
        services.AddLedgerSyncFlows();

        return new LedgerSyncBuilder(services);
    }
}
