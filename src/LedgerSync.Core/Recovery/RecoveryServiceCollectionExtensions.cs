using LedgerSync;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Status;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the recovery services of LedgerSync.</summary>
internal static class RecoveryServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncRecovery(this IServiceCollection services)
    {
        services.TryAddSingleton<IRecoveryStore, InMemoryRecoveryStore>();
        services.TryAddSingleton<RecoveryWorker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecoveryWorker>(sp => sp.GetRequiredService<RecoveryWorker>()));
        services.TryAddSingleton(sp => new RecoveryCoordinator(
            sp.GetRequiredService<IRecoveryStore>(),
            sp.GetRequiredService<IStatusStore>(),
            sp.GetRequiredService<ILedgerGraph>(),
            sp.GetRequiredService<RecoveryWorker>(),
            sp.GetRequiredService<IOptions<LedgerSyncOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ITransactionDecoder>(),
            sp.GetService<IRecoveredTransactionSink>(),
            sp.GetService<IPeerTransport>(),
            sp.GetService<ILogger<RecoveryCoordinator>>()));
        services.TryAddSingleton(sp => new RecoveryFlows(sp.GetRequiredService<RecoveryCoordinator>()));
        return services;
    }
}
