using LedgerSync.Diagnostics;

namespace LedgerSync.Recovery;

/// <summary>Hands the ended runs to the recovery worker's auto-recover.</summary>
/// <param name="worker">The worker.</param>
internal sealed class RecoveryWorkerTelemetryListener(RecoveryWorker worker) : RunTelemetryListener
{
    /// <inheritdoc/>
    public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent)
    {
        if (telemetryEvent.Is<RunEndedArguments>(out var ended))
        {
            worker.OnReconciliationEnded(telemetryEvent.Run, ended.Outcome, ended.Differences);
        }
    }
}
