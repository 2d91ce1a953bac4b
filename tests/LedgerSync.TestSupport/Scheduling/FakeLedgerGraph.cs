using LedgerSync.Ledger;

namespace LedgerSync.Testing.Scheduling;

/// <summary>A ledger graph whose readiness and contents a test sets directly.</summary>
public sealed class FakeLedgerGraph : ILedgerGraph
{
    private readonly HashSet<TransactionId> _present = [];

    private readonly Lock _lock = new();
    private TaskCompletionSource _initialized = NewCompleted();
    private int _initializedWaits;

    /// <summary>Whether the graph is loaded; setting it to <see langword="true"/> completes the pending <see cref="WhenInitializedAsync"/> tasks.</summary>
    public bool IsInitialized
    {
        get
        {
            lock (_lock)
            {
                return _initialized.Task.IsCompleted;
            }
        }

        set
        {
            lock (_lock)
            {
                if (value)
                {
                    _initialized.TrySetResult();
                }
                else if (_initialized.Task.IsCompleted)
                {
                    _initialized = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
    }

    /// <summary>How often <see cref="WhenInitializedAsync"/> was called: evidence that a dispatcher waits for the graph.</summary>
    public int InitializedWaits => Volatile.Read(ref _initializedWaits);

    public bool IsSelfConsistent { get; set; } = true;

    public Task WhenInitializedAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _initializedWaits);
        lock (_lock)
        {
            return _initialized.Task.WaitAsync(cancellationToken);
        }
    }

    public List<LedgerGraphError> ErrorList { get; } = [];

    public IReadOnlyList<LedgerGraphError> Errors => ErrorList;

    public long Count => _present.Count;

    public bool Contains(TransactionId id)
    {
        lock (_present)
        {
            return _present.Contains(id);
        }
    }

    public void Record(TransactionMetadata transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        Add(transaction.Id);
    }

    public void Add(TransactionId id)
    {
        lock (_present)
        {
            _present.Add(id);
        }
    }

    public IRelevantSet GetRelevantSet(PartyName counterparty) => throw new NotSupportedException("Not needed by scheduler tests.");

    private static TaskCompletionSource NewCompleted()
    {
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        completed.SetResult();
        return completed;
    }
}
