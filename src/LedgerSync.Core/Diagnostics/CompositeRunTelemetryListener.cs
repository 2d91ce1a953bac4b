using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The one listener of a run registry: fans every event out to the run spans (<see cref="TracingTelemetryListener"/>,
/// always first) and to the subscribers (metrics, the recovery worker's auto-recover, ...), each in turn. A subscriber
/// that throws is logged and skipped; the run and the other subscribers go on.
/// </summary>
/// <remarks>
/// The subscribers are resolved once, on the first event or on <see cref="EnsureSubscribers"/> (the host calls it when
/// it starts), not when the composite is built: in a container most subscribers depend on the registry that holds
/// this composite, so resolving them up front would be a cycle.
/// </remarks>
internal sealed partial class CompositeRunTelemetryListener : RunTelemetryListener
{
    [ThreadStatic]
    private static CompositeRunTelemetryListener? t_resolving;

    private readonly Func<IEnumerable<RunTelemetryListener>> _subscribers;
    private readonly ILogger _logger;
    private RunTelemetryListener[]? _listeners;

    /// <summary>Creates the composite.</summary>
    /// <param name="subscribers">Returns the subscribers; called once.</param>
    /// <param name="logger">Logs the failures of subscribers.</param>
    public CompositeRunTelemetryListener(Func<IEnumerable<RunTelemetryListener>> subscribers, ILogger<CompositeRunTelemetryListener>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        _subscribers = subscribers;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>A composite with the run spans only (a registry built without subscribers).</summary>
    public static CompositeRunTelemetryListener TracingOnly() => new(static () => []);

    /// <summary>The listeners events go to, in order (resolves the subscribers if that has not happened yet).</summary>
    internal IReadOnlyList<RunTelemetryListener> Listeners => EnsureSubscribers();

    /// <summary>Resolves the subscribers now unless that has happened already; returns the listeners.</summary>
    internal RunTelemetryListener[] EnsureSubscribers()
    {
        if (Volatile.Read(ref _listeners) is { } listeners)
        {
            return listeners;
        }

        if (ReferenceEquals(t_resolving, this))
        {
            // A subscriber's construction made a run report an event: the spans only, until resolution completes.
            return [TracingTelemetryListener.Instance];
        }

        RunTelemetryListener[] resolved;
        t_resolving = this;
        try
        {
            resolved = [TracingTelemetryListener.Instance, .. _subscribers().Where(s => s is not TracingTelemetryListener)];
        }
        catch (Exception exception)
        {
            Log.SubscribersUnavailable(_logger, exception);
            resolved = [TracingTelemetryListener.Instance];
        }
        finally
        {
            t_resolving = null;
        }

        return Interlocked.CompareExchange(ref _listeners, resolved, null) ?? resolved;
    }

    /// <inheritdoc/>
    public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent)
    {
        foreach (var listener in EnsureSubscribers())
        {
            try
            {
                listener.Write(in telemetryEvent);
            }
            catch (Exception exception)
            {
                Log.ListenerFailed(_logger, listener.GetType().Name, typeof(TArgs).Name, telemetryEvent.Run.RunId, exception);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncEventId.TelemetryListenerFailed, Level = LogLevel.Warning, Message = "The LedgerSync telemetry listener {Listener} failed on {Event} of run {RunId}; the run goes on")]
        public static partial void ListenerFailed(ILogger logger, string listener, string @event, Guid runId, Exception exception);

        [LoggerMessage(EventId = LedgerSyncEventId.TelemetryListenersUnavailable, Level = LogLevel.Error, Message = "Could not create the LedgerSync telemetry listeners; runs report to their spans only")]
        public static partial void SubscribersUnavailable(ILogger logger, Exception exception);
    }
}
