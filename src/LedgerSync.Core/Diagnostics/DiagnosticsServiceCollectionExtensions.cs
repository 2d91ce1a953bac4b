using System.Diagnostics.Metrics;
using LedgerSync;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the diagnostics services of LedgerSync.</summary>
internal static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>
    /// The in-flight run registry (on the <see cref="TimeProvider"/> from DI) with its telemetry listeners, the query API, metrics, the
    /// in-flight dump, the health check type and the stuck-session monitor. Metrics use the host's
    /// <c>IMeterFactory</c> when one is registered (<c>services.AddMetrics()</c>, which the generic host calls); Core
    /// does not reference its implementation package. Every registration uses TryAdd*, so a second call is harmless.
    /// </summary>
    internal static IServiceCollection AddLedgerSyncDiagnostics(this IServiceCollection services)
    {
        services.TryAddSingleton(CreateRunRegistry);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<RunTelemetryListener, MetricsTelemetryListener>(
            sp => new MetricsTelemetryListener(sp.GetRequiredService<LedgerSyncMetrics>())));

        // Factories, not constructor activation: the constructors are internal (users resolve these from DI).
        services.TryAddSingleton(sp => (sp.GetService<IReconciliationJobQueries>(), sp.GetService<ReconciliationScheduler>()) switch
        {
            (var jobQueries, { } scheduler) => new ReconciliationMonitor(sp.GetRequiredService<ReconciliationRunRegistry>(), sp.GetRequiredService<IStatusStore>(), sp.GetRequiredService<ILedgerGraph>(), jobQueries, scheduler),
            ({ } jobQueries, null) => new ReconciliationMonitor(sp.GetRequiredService<ReconciliationRunRegistry>(), sp.GetRequiredService<IStatusStore>(), sp.GetRequiredService<ILedgerGraph>(), jobQueries),
            _ => new ReconciliationMonitor(sp.GetRequiredService<ReconciliationRunRegistry>(), sp.GetRequiredService<IStatusStore>(), sp.GetRequiredService<ILedgerGraph>()),
        });
        services.TryAddSingleton(sp => new LedgerSyncMetrics(
            sp.GetRequiredService<ReconciliationRunRegistry>(),
            sp.GetRequiredService<ReconciliationMonitor>(),
            sp.GetRequiredService<ILedgerGraph>(),
            sp.GetService<ILogger<LedgerSyncMetrics>>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<IOptions<LedgerSyncOptions>>()));
        services.TryAddSingleton(sp => new InFlightDumper(sp.GetRequiredService<ReconciliationRunRegistry>(), sp.GetService<ILogger<InFlightDumper>>()));
        services.TryAddSingleton(sp => new LedgerSyncHealthCheck(sp.GetRequiredService<ReconciliationMonitor>(), sp.GetService<ILogger<LedgerSyncHealthCheck>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DiagnosticsInstrumentationService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StuckSessionMonitor>(sp => new StuckSessionMonitor(
            sp.GetRequiredService<ReconciliationRunRegistry>(),
            sp.GetRequiredService<IOptions<LedgerSyncOptions>>(),
            sp.GetService<ILogger<StuckSessionMonitor>>())));
        return services;
    }

    /// <summary>
    /// The run registry of a container: its one telemetry listener is the composite of the run spans and of every
    /// <see cref="RunTelemetryListener"/> registered (metrics, the recovery worker), resolved on the first event.
    /// </summary>
    internal static ReconciliationRunRegistry CreateRunRegistry(IServiceProvider services) => new(
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        new CompositeRunTelemetryListener(
            services.GetServices<RunTelemetryListener>,
            services.GetService<ILogger<CompositeRunTelemetryListener>>()));
}
