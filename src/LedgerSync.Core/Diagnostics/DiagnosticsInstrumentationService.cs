using Microsoft.Extensions.Hosting;

namespace LedgerSync.Diagnostics;

/// <summary>Creates the metrics when the host starts, so they subscribe to the registry before any run begins.</summary>
internal sealed class DiagnosticsInstrumentationService(LedgerSyncMetrics metrics) : IHostedService
{
    public LedgerSyncMetrics Metrics { get; } = metrics;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
