using Microsoft.Extensions.Hosting;

namespace LedgerSync.Diagnostics;

/// <summary>Creates the metrics and traces when the host starts, so they subscribe to the registry before any run begins.</summary>
internal sealed class DiagnosticsInstrumentationService(LedgerSyncMetrics metrics, LedgerSyncTracing tracing) : IHostedService
{
    public LedgerSyncMetrics Metrics { get; } = metrics;

    public LedgerSyncTracing Tracing { get; } = tracing;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
