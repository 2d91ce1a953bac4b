using System.Collections.Immutable;
using LedgerSync.Diagnostics;

namespace LedgerSync.Testing.Diagnostics;

/// <summary>
/// A telemetry subscriber for tests: forwards every run event to the listeners and handlers added to it, even those
/// added after the registry's first event. <see cref="CreateRegistry"/> puts it behind the production composite, so
/// the composite's ordering and failure isolation are what the tests see.
/// </summary>
internal sealed class RunTelemetryProbe : RunTelemetryListener
{
    private ImmutableArray<RunTelemetryListener> _listeners = [];

    /// <summary>A registry on <paramref name="time"/> whose one listener is the composite of the spans and this probe.</summary>
    public ReconciliationRunRegistry CreateRegistry(TimeProvider time) =>
        new(time, new CompositeRunTelemetryListener(() => [this]));

    /// <summary>Forwards the events from now on to <paramref name="listener"/> too.</summary>
    public void Add(RunTelemetryListener listener) => ImmutableInterlocked.Update(ref _listeners, l => l.Add(listener));

    /// <summary>Calls <paramref name="handler"/> for every event whose arguments are a <typeparamref name="T"/>.</summary>
    public void On<T>(Action<RunTracker, T> handler)
        where T : struct => Add(new Handler<T>(handler));

    /// <inheritdoc/>
    public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent)
    {
        foreach (var listener in _listeners)
        {
            listener.Write(in telemetryEvent);
        }
    }

    private sealed class Handler<T>(Action<RunTracker, T> handler) : RunTelemetryListener
        where T : struct
    {
        public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent)
        {
            if (telemetryEvent.Is<T>(out var arguments))
            {
                handler(telemetryEvent.Run, arguments);
            }
        }
    }
}
