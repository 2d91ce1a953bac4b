using System.Collections.Concurrent;
using System.Diagnostics;

namespace LedgerSync.Diagnostics;

/// <summary>
/// LedgerSync's traces on the activity source <see cref="LedgerSyncTelemetry.ActivitySourceName"/>: one span per
/// reconciliation run (named after its flow, a child of the activity current when the run was registered) and one
/// child span per completed exchange, built from the in-flight run registry's events with explicit start and end
/// times. Waits appear as span events (the first 64 of a run). The spans never become <see cref="Activity.Current"/>, so they do not leak into
/// the scheduler's or the protocol's execution context. Dispose it to unsubscribe.
/// </summary>
public sealed class LedgerSyncTracing : IDisposable
{
    private const int MaxWaitEvents = 64;

    private readonly ReconciliationRunRegistry _registry;
    private readonly ActivitySource _source;
    private readonly ConcurrentDictionary<Guid, RunSpan> _spans = new();
    private int _disposed;

    /// <summary>Creates the activity source and subscribes to <paramref name="registry"/>.</summary>
    public LedgerSyncTracing(ReconciliationRunRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _source = new ActivitySource(LedgerSyncTelemetry.ActivitySourceName, typeof(LedgerSyncTracing).Assembly.GetName().Version?.ToString());
        _registry.RunStarted += OnRunStarted;
        _registry.WaitChanged += OnWaitChanged;
        _registry.ExchangeCompleted += OnExchangeCompleted;
        _registry.RunEnded += OnRunEnded;
    }

    /// <summary>Unsubscribes, ends any open run span and disposes the activity source.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _registry.RunStarted -= OnRunStarted;
        _registry.WaitChanged -= OnWaitChanged;
        _registry.ExchangeCompleted -= OnExchangeCompleted;
        _registry.RunEnded -= OnRunEnded;
        foreach (var span in _spans.Values)
        {
            WithoutChangingCurrent(span.Activity, static a => a.Stop());
        }

        _spans.Clear();
        _source.Dispose();
    }

    private static void WithoutChangingCurrent(Activity activity, Action<Activity> action)
    {
        var previous = Activity.Current;
        action(activity);
        Activity.Current = previous;
    }

    private void OnRunStarted(RunTracker tracker)
    {
        if (!_source.HasListeners())
        {
            return;
        }

        var activity = _source.CreateActivity(tracker.FlowName, ActivityKind.Internal);
        if (activity is null)
        {
            return;
        }

        activity.SetStartTime(tracker.Started.UtcDateTime);
        activity.SetTag(LedgerSyncTelemetry.RunIdTag, tracker.RunId.ToString());
        activity.SetTag(LedgerSyncTelemetry.PartyTag, tracker.Party.ToString());
        activity.SetTag(LedgerSyncTelemetry.RoleTag, tracker.Role.ToTagValue());
        WithoutChangingCurrent(activity, static a => a.Start());
        _spans[tracker.RunId] = new RunSpan(activity, tracker.Started);
    }

    private void OnWaitChanged(RunTracker tracker, RunWaitReason reason, DateTimeOffset since)
    {
        if (!_spans.TryGetValue(tracker.RunId, out var span))
        {
            return;
        }

        lock (span)
        {
            // A long run waits on its peer once per message; keep the span small (exporters cap events anyway).
            if (span.Events < MaxWaitEvents)
            {
                span.Events++;
                span.Activity.AddEvent(new ActivityEvent(reason == RunWaitReason.None ? "working" : $"waiting on {reason}", since));
            }

            // Leaving the queue (or a back-off) starts the next exchange's clock; a retry starts the exchanges afresh.
            if (ReconciliationMonitor.IsQueued(span.LastWait) && !ReconciliationMonitor.IsQueued(reason))
            {
                span.ExchangeStart = since;
            }

            span.LastWait = reason;
        }
    }

    private void OnExchangeCompleted(RunTracker tracker)
    {
        if (!_spans.TryGetValue(tracker.RunId, out var span))
        {
            return;
        }

        var now = _registry.TimeProvider.GetUtcNow();
        var (sent, received) = (tracker.BytesSent, tracker.BytesReceived);
        DateTimeOffset start;
        long sentBefore, receivedBefore;
        lock (span)
        {
            (start, sentBefore, receivedBefore) = (span.ExchangeStart, span.BytesSent, span.BytesReceived);
            (span.ExchangeStart, span.BytesSent, span.BytesReceived) = (now, sent, received);
        }

        var exchange = _source.CreateActivity($"{tracker.FlowName} exchange", ActivityKind.Internal, span.Activity.Context);
        if (exchange is null)
        {
            return;
        }

        exchange.SetStartTime(start.UtcDateTime);
        exchange.SetTag(LedgerSyncTelemetry.RunIdTag, tracker.RunId.ToString());
        exchange.SetTag(LedgerSyncTelemetry.ExchangeTag, tracker.Exchanges);
        exchange.SetTag(LedgerSyncTelemetry.BytesSentTag, sent - sentBefore);
        exchange.SetTag(LedgerSyncTelemetry.BytesReceivedTag, received - receivedBefore);
        WithoutChangingCurrent(exchange, a => a.Start().SetEndTime(now.UtcDateTime).Stop());
    }

    private void OnRunEnded(RunTracker tracker, ReconciliationState outcome, int differences, string? error)
    {
        if (!_spans.TryRemove(tracker.RunId, out var span))
        {
            return;
        }

        var activity = span.Activity;
        activity.SetTag(LedgerSyncTelemetry.OutcomeTag, outcome.ToName());
        activity.SetTag(LedgerSyncTelemetry.DifferencesTag, differences);
        activity.SetTag(LedgerSyncTelemetry.ExchangeTag, tracker.Exchanges);
        activity.SetTag(LedgerSyncTelemetry.BytesSentTag, tracker.BytesSent);
        activity.SetTag(LedgerSyncTelemetry.BytesReceivedTag, tracker.BytesReceived);
        if (outcome == ReconciliationState.Failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
        else if (outcome.IsSuccess())
        {
            activity.SetStatus(ActivityStatusCode.Ok);
        }

        var end = _registry.TimeProvider.GetUtcNow().UtcDateTime;
        WithoutChangingCurrent(activity, a => a.SetEndTime(end).Stop());
    }

    private sealed class RunSpan(Activity activity, DateTimeOffset started)
    {
        public Activity Activity { get; } = activity;

        public DateTimeOffset ExchangeStart { get; set; } = started;

        public RunWaitReason LastWait { get; set; }

        public long BytesSent { get; set; }

        public long BytesReceived { get; set; }

        public int Events { get; set; }
    }
}
