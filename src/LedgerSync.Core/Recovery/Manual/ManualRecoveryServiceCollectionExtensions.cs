using LedgerSync;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Recovery.Manual;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the manual-recovery flows.</summary>
internal static class ManualRecoveryServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncManualRecovery(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ManualRecoveryFlows(
            sp.GetRequiredService<ILedgerGraph>(),
            sp.GetRequiredService<IRecoveryStore>(),
            sp.GetRequiredService<IOptions<LedgerSyncOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ITransactionPayloadSource>(),
            sp.GetService<ITransactionDecoder>(),
            sp.GetService<IRecoveredTransactionSink>(),
            ct => sp.GetRequiredService<ReconciliationFlows>().RefreshReconciliationStatusesAsync(ct),
            sp.GetService<ILogger<ManualRecoveryFlows>>()));
        return services;
    }
}
