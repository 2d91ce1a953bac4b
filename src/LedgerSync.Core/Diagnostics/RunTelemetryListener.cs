namespace LedgerSync.Diagnostics;

/// <summary>
/// Receives the telemetry events of the in-flight runs: the registry and its trackers report each event once, as a
/// typed argument (<see cref="RunStartedArguments"/>, <see cref="RunEndedArguments"/>, <see cref="BytesTransferredArguments"/>,
/// <see cref="ExchangeCompletedArguments"/>, <see cref="WaitChangedArguments"/>), to the one listener of the registry
/// (a <see cref="CompositeRunTelemetryListener"/> in a host). A listener picks the events it needs with
/// <see cref="RunTelemetryEvent{TArgs}.Is{T}(out T)"/>.
/// </summary>
/// <remarks>
/// Listeners are called synchronously on the thread of the run, so they must be quick and must not block; the
/// composite catches and logs what a listener throws, so a listener's failure never breaks a run.
/// </remarks>
internal abstract class RunTelemetryListener
{
    /// <summary>Writes one event.</summary>
    /// <typeparam name="TArgs">The type of the event's arguments.</typeparam>
    /// <param name="telemetryEvent">The run and the event's arguments.</param>
    public abstract void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent)
        where TArgs : struct;
}
