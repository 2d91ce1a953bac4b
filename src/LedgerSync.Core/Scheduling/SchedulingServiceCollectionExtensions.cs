using LedgerSync;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using LedgerSync.Transport;
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
        services.AddLedgerSyncStatus();
        services.TryAddSingleton(_ => new JobStoreRegistration(new InMemoryReconciliationJobStore()));
        services.TryAddSingleton(sp => sp.GetRequiredService<JobStoreRegistration>().Store);
        services.TryAddSingleton(sp => sp.GetRequiredService<JobStoreRegistration>().Queries);

        // The pool, the recorder and the admission are shared by the responder (through the admission) and the
        // dispatcher; none of them depends on the initiator, so transport → responder → admission closes no cycle.
        services.TryAddSingleton(sp => new ExecutionPool(sp.GetRequiredService<IOptions<LedgerSyncOptions>>()));
        services.TryAddSingleton(sp => new RunOutcomeRecorder(
            sp.GetRequiredService<IStatusStore>(),
            sp.GetRequiredService<IReconciliationJobStore>(),
            sp.GetRequiredService<ExecutionPool>(),
            sp.GetRequiredService<ReconciliationRunRegistry>(),
            sp.GetRequiredService<IOptions<LedgerSyncOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            SchedulerLogger(sp)));
        services.TryAddSingleton(sp => new PoolAdmission(
            sp.GetRequiredService<ExecutionPool>(),
            sp.GetRequiredService<IReconciliationJobStore>(),
            sp.GetRequiredService<RunOutcomeRecorder>(),
            sp.GetRequiredService<IOptions<LedgerSyncOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            SchedulerLogger(sp)));
        services.TryAddSingleton(sp => ReconciliationScheduler.Create(
            sp.GetRequiredService<ExecutionPool>(),
            sp.GetRequiredService<RunOutcomeRecorder>(),
            sp.GetRequiredService<PoolAdmission>(),
            sp.GetRequiredService<IReconciliationInitiator>(),
            sp.GetRequiredService<IReconciliationJobStore>(),
            sp.GetRequiredService<IReconciliationJobQueries>(),
            sp.GetRequiredService<ILedgerGraph>(),
            sp.GetRequiredService<IOptions<LedgerSyncOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            SchedulerLogger(sp),
            random: null,
            sp.GetService<IPeerTransport>()));

        // The pool's admission replaces the protocol's stand-alone default (registered with TryAdd before this runs).
        // Replace is idempotent: calling AddLedgerSync twice leaves one registration.
        services.Replace(ServiceDescriptor.Singleton<IIncomingReconciliationAdmission>(sp => sp.GetRequiredService<PoolAdmission>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReconciliationScheduler>(
            sp => sp.GetRequiredService<ReconciliationScheduler>()));
        return services;
    }

    private static ILogger SchedulerLogger(IServiceProvider services) =>
        services.GetService<ILogger<ReconciliationScheduler>>() ?? (ILogger)NullLogger<ReconciliationScheduler>.Instance;
}
