namespace LedgerSync.Diagnostics;

/// <summary>
/// Adds a run's events to the span of its current execution (<see cref="RunActivity"/>, when one was started): wait
/// events, exchange child spans and, when the run ends, its outcome. Stateless; every composite starts with it.
/// </summary>
internal sealed class TracingTelemetryListener : RunTelemetryListener
{
    private TracingTelemetryListener()
    {
    }

    /// <summary>The instance.</summary>
    public static TracingTelemetryListener Instance { get; } = new();

    /// <inheritdoc/>
    public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent)
    {
        if (telemetryEvent.Run.RunActivity is not { } activity)
        {
            return;
        }

        if (telemetryEvent.Is<WaitChangedArguments>(out var wait))
        {
            activity.OnWaitChanged(wait.Reason, wait.Since);
        }
        else if (telemetryEvent.Is<ExchangeCompletedArguments>(out _))
        {
            activity.OnExchangeCompleted(telemetryEvent.Run);
        }
        else if (telemetryEvent.Is<RunEndedArguments>(out var ended))
        {
            activity.OnEnded(telemetryEvent.Run, ended.Outcome, ended.Differences, ended.Error);
        }
    }
}
