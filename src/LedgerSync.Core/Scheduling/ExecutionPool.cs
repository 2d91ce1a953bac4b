using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// The one bounded pool of <see cref="LedgerSyncOptions.MaxNumberOfParallelReconciliationRequests"/> slots shared by
/// outgoing runs (taken by the dispatcher) and admitted incoming runs (taken by the responder's admission), and the set
/// of runs holding them. A dependency of both, so neither needs the other.
/// </summary>
internal sealed class ExecutionPool : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<Guid, ActiveRun> _runs = new();
    private readonly CancellationTokenSource _shutdown = new();
    private TaskCompletionSource _runsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inUse;
    private int _maxInUse;

    public ExecutionPool(IOptions<LedgerSyncOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Capacity = options.Value.MaxNumberOfParallelReconciliationRequests;
    }

    /// <summary>Called (outside any lock) each time a slot is given back: the dispatcher wakes on it.</summary>
    internal event Action? SlotFreed;

    public int Capacity { get; }

    public int InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    public int MaxInUse
    {
        get
        {
            lock (_lock)
            {
                return _maxInUse;
            }
        }
    }

    public bool HasFreeSlot => InUse < Capacity;

    /// <summary>Cancelled when the node stops for good: every run's token is linked to it.</summary>
    public CancellationToken Shutdown => _shutdown.Token;

    public bool IsShuttingDown => _shutdown.IsCancellationRequested;

    public ICollection<ActiveRun> Runs => _runs.Values;

    public int RunCount => _runs.Count;

    /// <summary>Takes a slot if one is free.</summary>
    public bool TryReserve()
    {
        lock (_lock)
        {
            if (_inUse >= Capacity || _shutdown.IsCancellationRequested)
            {
                return false;
            }

            _inUse++;
            _maxInUse = Math.Max(_maxInUse, _inUse);
            return true;
        }
    }

    /// <summary>Gives back a slot taken with <see cref="TryReserve"/>; <paramref name="notify"/> false when the dispatcher returns one it could not use.</summary>
    public void Return(bool notify = true)
    {
        lock (_lock)
        {
            _inUse--;
        }

        if (notify)
        {
            SlotFreed?.Invoke();
        }
    }

    /// <summary>Registers a run that holds a reserved slot.</summary>
    public void Add(ActiveRun run) => _runs[run.RunId] = run;

    /// <summary>Removes a run and gives back its slot (once, however often it is called).</summary>
    public void Remove(ActiveRun run)
    {
        if (run.TryReleaseSlot())
        {
            Return();
        }

        if (_runs.TryRemove(new KeyValuePair<Guid, ActiveRun>(run.RunId, run)))
        {
            Interlocked.Exchange(ref _runsChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>Waits until no run holds a slot.</summary>
    public async Task WaitForNoRunsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _runsChanged).Task;
            if (_runs.IsEmpty)
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels every run (their tokens are linked to <see cref="Shutdown"/>) and refuses new reservations.</summary>
    public void BeginShutdown()
    {
        try
        {
            _shutdown.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }
    }

    public void Dispose() => _shutdown.Dispose();
}
