using System.Diagnostics;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The live record of one in-flight run: the scheduler and the protocol report to it, and the in-flight dump, the
/// stuck-session monitor and the metrics read from it. Thread-safe. Dispose (or <see cref="End"/>) removes it from
/// its registry.
/// </summary>
internal sealed class RunTracker : IDisposable
{
    private const int MaxStages = 256;

    private readonly Lock _lock = new();
    private readonly List<RunStage> _stages = [];
    private readonly ReconciliationRunRegistry _registry;
    private RunWaitReason _waitingOn;
    private DateTimeOffset _waitingSince;
    private DateTimeOffset? _lastProgress;
    private int _exchanges;
    private long _bytesSent;
    private long _bytesReceived;
    private long _symbols;
    private long _symbolsExpected;
    private int _ended;
    private RunActivity? _activity;

    internal RunTracker(ReconciliationRunRegistry registry, Guid runId, string flowName, PartyName party, ReconciliationRole role, DateTimeOffset started)
    {
        _registry = registry;
        RunId = runId;
        FlowName = flowName;
        Party = party;
        Role = role;
        Started = started;
        _waitingSince = started;

        // A run registered inside the caller's span (a flow called while handling a request) joins that trace, unless
        // the current span is LedgerSync's own (the next run of a recurring job is registered as the previous one ends).
        if (Activity.Current is { } current && current.Source.Name != LedgerSyncTelemetry.ActivitySourceName)
        {
            RegisteredUnder = current.Context;
        }
    }

    /// <summary>The span that was current when the run was registered (not a LedgerSync span), if any.</summary>
    internal ActivityContext? RegisteredUnder { get; }

    /// <summary>
    /// Starts the span of this run's execution and makes it <see cref="Activity.Current"/>; the caller disposes it when
    /// the execution ends. <see langword="null"/> when no listener samples the <c>LedgerSync</c> source.
    /// </summary>
    /// <param name="kind">Internal for an outgoing run, server for a served request.</param>
    /// <param name="parent">The remote parent (the requester's context from the hello), or <see langword="default"/>.</param>
    internal RunActivity? StartActivity(ActivityKind kind, ActivityContext parent = default)
    {
        var activity = RunActivity.Start(this, kind, parent, _registry.TimeProvider);
        Volatile.Write(ref _activity, activity);
        return activity;
    }

    /// <summary>The span of the current execution, if one was started.</summary>
    internal Activity? Activity => Volatile.Read(ref _activity)?.Activity;

    /// <summary>The span of the current execution with its bookkeeping, if one was started.</summary>
    internal RunActivity? RunActivity => Volatile.Read(ref _activity);

    /// <summary>The run's ID.</summary>
    public Guid RunId { get; }

    /// <summary>The flow that runs it.</summary>
    public string FlowName { get; }

    /// <summary>The counterparty.</summary>
    public PartyName Party { get; }

    /// <summary>This node's role.</summary>
    public ReconciliationRole Role { get; }

    /// <summary>When the run was created.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>Bytes sent so far.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Bytes received so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Completed exchanges so far.</summary>
    public int Exchanges => Volatile.Read(ref _exchanges);

    /// <summary>Whether <see cref="End"/> has been called.</summary>
    public bool HasEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Appends a stage to the history (the oldest entries are dropped past 256).</summary>
    public void Stage(string stage)
    {
        var now = _registry.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_stages.Count == MaxStages)
            {
                _stages.RemoveAt(1); // keep the first stage: it says how the run began
            }

            _stages.Add(new RunStage(stage, now));
        }
    }

    /// <summary>Records that the run now waits on <paramref name="reason"/> (<see cref="RunWaitReason.None"/> when it resumes work).</summary>
    public void WaitingOn(RunWaitReason reason)
    {
        var now = _registry.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_waitingOn == reason)
            {
                return;
            }

            _waitingOn = reason;
            _waitingSince = now;
        }

        _registry.Write(this, new WaitChangedArguments(reason, now));
    }

    /// <summary>
    /// Records that the run moved forward (the protocol calls it when coded symbols that matter arrive or leave, or the
    /// exchange advances), so that the stuck-session monitor can tell a run that trickles from one that progresses.
    /// </summary>
    public void ReportProgress()
    {
        var now = _registry.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            _lastProgress = now;
        }
    }

    /// <summary>
    /// Records how far the stream of coded symbols has come: <paramref name="transferred"/> symbols received (requester)
    /// or sent (responder) of the <paramref name="expected"/> the requester has asked for so far. The requester sizes
    /// what it asks for from its running estimate of the difference, so the ratio is an estimate of the run's progress:
    /// <paramref name="expected"/> grows when the estimate does, and the run ends as soon as the difference decodes.
    /// </summary>
    public void ReportSymbols(long transferred, long expected)
    {
        lock (_lock)
        {
            _symbols = Math.Max(0, transferred);
            _symbolsExpected = Math.Max(_symbols, expected);
        }
    }

    /// <summary>When the run last moved forward (<see langword="null"/> until the protocol has started).</summary>
    public DateTimeOffset? LastProgress
    {
        get
        {
            lock (_lock)
            {
                return _lastProgress;
            }
        }
    }

    /// <summary>What the run waits on now (<see cref="RunWaitReason.None"/> while it works).</summary>
    public RunWaitReason CurrentWait
    {
        get
        {
            lock (_lock)
            {
                return _waitingOn;
            }
        }
    }

    /// <summary>Adds to the bytes sent.</summary>
    public void AddBytesSent(long bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        _registry.Write(this, new BytesTransferredArguments(bytes, Sent: true));
    }

    /// <summary>Adds to the bytes received.</summary>
    public void AddBytesReceived(long bytes)
    {
        Interlocked.Add(ref _bytesReceived, bytes);
        _registry.Write(this, new BytesTransferredArguments(bytes, Sent: false));
    }

    /// <summary>Counts one completed request/response exchange.</summary>
    public void ExchangeCompleted()
    {
        var exchange = Interlocked.Increment(ref _exchanges);
        _registry.Write(this, new ExchangeCompletedArguments(exchange));
    }

    /// <summary>Records how the run ended (once) and removes it from the registry.</summary>
    /// <param name="outcome">The final state.</param>
    /// <param name="differences">The number of differences found (requester), or 0.</param>
    /// <param name="error">The error text for <see cref="ReconciliationState.Failed"/>.</param>
    public void End(ReconciliationState outcome, int differences = 0, string? error = null)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        Stage(error is null ? $"ended {outcome.ToName()}" : $"ended {outcome.ToName()}: {error}");
        _registry.OnEnded(this, new RunEndedArguments(outcome, differences, error, _registry.TimeProvider.GetUtcNow()));
    }

    /// <summary>Ends the run as <see cref="ReconciliationState.Failed"/> if nothing else ended it.</summary>
    public void Dispose() => End(ReconciliationState.Failed, 0, "the run ended without recording an outcome");

    /// <summary>A point-in-time copy for the in-flight dump.</summary>
    public RunSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new RunSnapshot
            {
                RunId = RunId,
                FlowName = FlowName,
                Party = Party,
                Role = Role,
                Started = Started,
                WaitingOn = _waitingOn,
                WaitingSince = _waitingSince,
                LastProgress = _lastProgress,
                Exchanges = Exchanges,
                BytesSent = BytesSent,
                BytesReceived = BytesReceived,
                CodedSymbols = _symbols,
                CodedSymbolsExpected = _symbolsExpected,
                Stages = [.. _stages],
            };
        }
    }
}
