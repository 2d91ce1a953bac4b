using System.Diagnostics.Metrics;
using LedgerSync;
using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Recovery;
using LedgerSync.Scheduling;
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
    private static readonly Func<IServiceProvider, object> InboundSessionDispatcherFactory = sp => new InboundSessionDispatcher(
        sp.GetRequiredService<ReconciliationResponder>(),
        sp.GetRequiredService<RecoveryResponder>(),
        sp.GetRequiredService<IOptionsMonitor<LedgerSyncOptions>>(),
        sp.GetRequiredService<TimeProvider>());

    /// <summary>Registers recovery; runs after the protocol and the scheduler are registered.</summary>
    internal static IServiceCollection AddLedgerSyncRecovery(this IServiceCollection services)
    {
        services.TryAddSingleton<IRecoveryStore, InMemoryRecoveryStore>();
        services.TryAddSingleton(sp => new RecoveryMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new RecoveryLimiter(sp.GetRequiredService<IOptionsMonitor<LedgerSyncOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RecoveryResponder(
            sp.GetRequiredService<ILedgerGraph>(),
            sp.GetRequiredService<RecoveryLimiter>(),
            sp.GetRequiredService<IncomingRequestRateLimiter>(),
            sp.GetRequiredService<RecoveryMetrics>(),
            sp.GetRequiredService<IOptionsMonitor<LedgerSyncOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ITransactionPayloadSource>(),
            sp.GetService<ILogger<RecoveryResponder>>()));

        // The dispatch hook: inbound sessions go through the dispatcher, which hands recovery sessions to the recovery
        // responder and the rest to the reconciliation responder. It takes the place of the library's default handler
        // only (idempotent when AddLedgerSync runs twice); an IInboundSessionHandler the host registered itself stays.
        var inbound = services.LastOrDefault(d => d.ServiceType == typeof(IInboundSessionHandler));
        if (inbound is null
            || ReferenceEquals(inbound.ImplementationFactory, ProtocolServiceCollectionExtensions.DefaultInboundSessionHandler)
            || ReferenceEquals(inbound.ImplementationFactory, InboundSessionDispatcherFactory))
        {
            services.Replace(ServiceDescriptor.Singleton(typeof(IInboundSessionHandler), InboundSessionDispatcherFactory));
        }

        services.TryAddSingleton(sp => new RecoveryWorker(
            sp.GetRequiredService<IRecoveryStore>(),
            sp.GetRequiredService<ILedgerGraph>(),
            sp.GetRequiredService<ReconciliationRunRegistry>(),
            sp.GetRequiredService<RecoveryMetrics>(),
            sp.GetRequiredService<IOptions<LedgerSyncOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IPeerTransport>(),
            sp.GetService<ITransactionDecoder>(),
            sp.GetService<IRecoveredTransactionSink>(),
            ct => sp.GetRequiredService<RunOutcomeRecorder>().RemovePresentFromResultsAsync(sp.GetRequiredService<ILedgerGraph>().Contains, ct),
            () => sp.GetRequiredService<RecoveryCoordinator>(),
            sp.GetService<ILogger<RecoveryWorker>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RecoveryWorker>(sp => sp.GetRequiredService<RecoveryWorker>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<RunTelemetryListener, RecoveryWorkerTelemetryListener>(
            sp => new RecoveryWorkerTelemetryListener(sp.GetRequiredService<RecoveryWorker>())));
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
        services.AddLedgerSyncManualRecovery();
        return services;
    }
}
