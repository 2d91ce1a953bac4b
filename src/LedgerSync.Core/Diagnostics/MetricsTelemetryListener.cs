namespace LedgerSync.Diagnostics;

/// <summary>Feeds the counters and histograms of <see cref="LedgerSyncMetrics"/> from the runs' events.</summary>
/// <param name="metrics">The metrics.</param>
internal sealed class MetricsTelemetryListener(LedgerSyncMetrics metrics) : RunTelemetryListener
{
    /// <inheritdoc/>
    public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent)
    {
        if (telemetryEvent.Is<BytesTransferredArguments>(out var bytes))
        {
            metrics.OnBytesTransferred(telemetryEvent.Run, bytes);
        }
        else if (telemetryEvent.Is<ExchangeCompletedArguments>(out _))
        {
            metrics.OnExchangeCompleted(telemetryEvent.Run);
        }
        else if (telemetryEvent.Is<RunEndedArguments>(out var ended))
        {
            metrics.OnRunEnded(telemetryEvent.Run, ended);
        }
    }
}
