using LedgerSync.Ledger;

namespace LedgerSync.Testing.Scheduling;

/// <summary>A ledger graph whose readiness and contents a test sets directly.</summary>
public sealed class FakeLedgerGraph : ILedgerGraph
{
    private readonly HashSet<TransactionId> _present = [];

    private int _initializedReads;
    private volatile bool _isInitialized = true;

    public bool IsInitialized
    {
        get
        {
            Interlocked.Increment(ref _initializedReads);
            return _isInitialized;
        }

        set => _isInitialized = value;
    }

    /// <summary>How often <see cref="IsInitialized"/> was read: evidence that a waiting dispatcher is looking.</summary>
    public int InitializedReads => Volatile.Read(ref _initializedReads);

    public bool IsSelfConsistent { get; set; } = true;

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
}
