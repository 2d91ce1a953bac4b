using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery.Manual;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the flows services of LedgerSync.</summary>
internal static class FlowsServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncFlows(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ReconciliationFlows(
            sp.GetRequiredService<ReconciliationScheduler>(),
            sp.GetRequiredService<IStatusStore>(),
            sp.GetRequiredService<ILedgerGraph>(),
            sp.GetService<InFlightDumper>(),
            sp.GetService<ILogger<ReconciliationFlows>>())
        {
            Recovery = sp.GetService<RecoveryFlows>(),
            ManualRecovery = sp.GetService<ManualRecoveryFlows>(),
        });
        return services;
    }
}
