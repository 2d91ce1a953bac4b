using Microsoft.Extensions.Hosting;

namespace LedgerSync.Diagnostics;

/// <summary>
/// Resolves the run registry's telemetry listeners (and so creates the metrics) when the host starts, before any run
/// begins, rather than on the first run's first event.
/// </summary>
internal sealed class DiagnosticsInstrumentationService(ReconciliationRunRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        (registry.Telemetry as CompositeRunTelemetryListener)?.EnsureSubscribers();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
