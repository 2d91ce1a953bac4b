using LedgerSync;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the scheduling services of LedgerSync.</summary>
internal static class SchedulingServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncScheduling(this IServiceCollection services)
    {
        services.TryAddSingleton<ReconciliationRunRegistry>();
        services.TryAddSingleton<IStatusStore, InMemoryStatusStore>();
        services.TryAddSingleton<IReconciliationJobStore, InMemoryReconciliationJobStore>();
        services.TryAddSingleton(sp => new ReconciliationScheduler(
            new DeferredReconciliationInitiator(sp),
            sp.GetRequiredService<IStatusStore>(),
            sp.GetRequiredService<IReconciliationJobStore>(),
            sp.GetRequiredService<ILedgerGraph>(),
            sp.GetRequiredService<ReconciliationRunRegistry>(),
            sp.GetRequiredService<IOptions<LedgerSyncOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ReconciliationScheduler>>() ?? NullLogger<ReconciliationScheduler>.Instance));

        // The scheduler owns the pool, so its admission replaces the protocol's default (registered with TryAdd
        // before this runs). Replace is idempotent: calling AddLedgerSync twice leaves one registration.
        services.Replace(ServiceDescriptor.Singleton<IIncomingReconciliationAdmission>(sp => sp.GetRequiredService<ReconciliationScheduler>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReconciliationScheduler>(
            sp => sp.GetRequiredService<ReconciliationScheduler>()));
        return services;
    }
}
