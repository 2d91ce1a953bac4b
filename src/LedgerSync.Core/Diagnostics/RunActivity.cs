using System.Diagnostics;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The span of one execution of a run (one attempt of an outgoing run, or one served request), started with
/// <see cref="ActivitySource.StartActivity(string, ActivityKind, ActivityContext, IEnumerable{KeyValuePair{string, object?}}?, IEnumerable{ActivityLink}?, DateTimeOffset)"/>
/// so it is <see cref="Activity.Current"/> while the run executes: the transport's spans (an <c>HttpClient</c> call)
/// nest under it and log lines written meanwhile carry its trace and span IDs. The run's tracker adds the wait events,
/// the exchange spans and, when the run ends, the outcome. Times come from the registry's <see cref="TimeProvider"/>.
/// Disposing it ends the span and gives <see cref="Activity.Current"/> back to the span it replaced.
/// </summary>
internal sealed class RunActivity : IDisposable
{
    private const int MaxWaitEvents = 64;

    private readonly TimeProvider _time;
    private readonly Activity? _previous;
    private readonly Lock _lock = new();
    private DateTimeOffset _exchangeStart;
    private long _bytesSentBefore;
    private long _bytesReceivedBefore;
    private int _events;
    private int _disposed;

    private RunActivity(Activity activity, Activity? previous, TimeProvider time, DateTimeOffset started, long bytesSent, long bytesReceived)
    {
        Activity = activity;
        _previous = previous;
        _time = time;
        _exchangeStart = started;
        _bytesSentBefore = bytesSent;
        _bytesReceivedBefore = bytesReceived;
    }

    /// <summary>The run's span.</summary>
    public Activity Activity { get; }

    /// <summary>
    /// Starts the span of <paramref name="tracker"/>'s execution, or returns <see langword="null"/> when nobody listens
    /// to the <c>LedgerSync</c> source (or the sampler drops it).
    /// </summary>
    /// <param name="tracker">The run.</param>
    /// <param name="kind">Internal for an outgoing run, server for a served request.</param>
    /// <param name="parent">
    /// The parent: the requester's context from the hello on a responder; otherwise <see langword="default"/>, and the
    /// span is a child of <see cref="Activity.Current"/>, or of the activity current when the run was registered.
    /// </param>
    /// <param name="time">The clock of the span's start and end times.</param>
    internal static RunActivity? Start(RunTracker tracker, ActivityKind kind, ActivityContext parent, TimeProvider time)
    {
        var source = LedgerSyncActivitySource.Instance;
        if (!source.HasListeners())
        {
            return null;
        }

        if (parent == default && Activity.Current is null && tracker.RegisteredUnder is { } registeredUnder)
        {
            parent = registeredUnder;
        }

        var previous = Activity.Current;
        var started = time.GetUtcNow();
        var activity = source.StartActivity(tracker.FlowName, kind, parent, startTime: started);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(LedgerSyncTelemetry.RunIdTag, tracker.RunId.ToString());
            activity.SetTag(LedgerSyncTelemetry.PartyTag, tracker.Party.ToString());
            activity.SetTag(LedgerSyncTelemetry.RoleTag, tracker.Role.ToTagValue());
        }

        return new RunActivity(activity, previous, time, started, tracker.BytesSent, tracker.BytesReceived);
    }

    /// <summary>Adds a wait (or <c>working</c>) event; the first 64 of the span only (exporters cap events anyway).</summary>
    internal void OnWaitChanged(RunWaitReason reason, DateTimeOffset since)
    {
        lock (_lock)
        {
            if (_events >= MaxWaitEvents || !Activity.IsAllDataRequested)
            {
                return;
            }

            _events++;
        }

        Activity.AddEvent(new ActivityEvent(reason == RunWaitReason.None ? "working" : $"waiting on {reason}", since));
    }

    /// <summary>
    /// Records a child span for the exchange that just completed: from the end of the previous exchange (or the start
    /// of this execution) to now, with the bytes sent and received during it.
    /// </summary>
    internal void OnExchangeCompleted(RunTracker tracker)
    {
        var now = _time.GetUtcNow();
        var (sent, received) = (tracker.BytesSent, tracker.BytesReceived);
        DateTimeOffset start;
        long sentBefore, receivedBefore;
        lock (_lock)
        {
            (start, sentBefore, receivedBefore) = (_exchangeStart, _bytesSentBefore, _bytesReceivedBefore);
            (_exchangeStart, _bytesSentBefore, _bytesReceivedBefore) = (now, sent, received);
        }

        if (!Activity.Recorded)
        {
            return;
        }

        // Created from the run's context, not started as current: the exchange is over, and the run stays current.
        var current = Activity.Current;
        var exchange = LedgerSyncActivitySource.Instance.CreateActivity($"{tracker.FlowName} exchange", ActivityKind.Internal, Activity.Context);
        if (exchange is not null)
        {
            exchange.SetStartTime(start.UtcDateTime);
            exchange.SetTag(LedgerSyncTelemetry.RunIdTag, tracker.RunId.ToString());
            exchange.SetTag(LedgerSyncTelemetry.ExchangeTag, tracker.Exchanges);
            exchange.SetTag(LedgerSyncTelemetry.BytesSentTag, sent - sentBefore);
            exchange.SetTag(LedgerSyncTelemetry.BytesReceivedTag, received - receivedBefore);
            exchange.Start().SetEndTime(now.UtcDateTime).Stop();
        }

        Activity.Current = current;
    }

    /// <summary>Records the run's outcome on the span (it ends when the execution disposes it).</summary>
    internal void OnEnded(RunTracker tracker, ReconciliationState outcome, int differences, string? error)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        Activity.SetTag(LedgerSyncTelemetry.OutcomeTag, outcome.ToName());
        Activity.SetTag(LedgerSyncTelemetry.DifferencesTag, differences);
        Activity.SetTag(LedgerSyncTelemetry.ExchangeTag, tracker.Exchanges);
        Activity.SetTag(LedgerSyncTelemetry.BytesSentTag, tracker.BytesSent);
        Activity.SetTag(LedgerSyncTelemetry.BytesReceivedTag, tracker.BytesReceived);
        if (outcome == ReconciliationState.Failed)
        {
            Activity.SetStatus(ActivityStatusCode.Error, error);
        }
        else if (outcome.IsSuccess())
        {
            Activity.SetStatus(ActivityStatusCode.Ok);
        }
    }

    /// <summary>Ends the span at the clock's time and makes the span it replaced current again.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Activity.SetEndTime(_time.GetUtcNow().UtcDateTime);
        Activity.Stop();
        Activity.Current = _previous;
    }
}
