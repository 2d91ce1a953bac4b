using LedgerSync.Ledger;

namespace LedgerSync.Tests.Protocol;

/// <summary>A ledger graph whose relevant sets are given directly (per counterparty), for protocol tests.</summary>
internal sealed class FakeLedgerGraph : ILedgerGraph
{
    private readonly Dictionary<PartyName, FakeRelevantSet> _sets = [];
    private readonly HashSet<TransactionId> _all = [];

    public bool IsInitialized { get; set; } = true;

    public bool IsSelfConsistent { get; set; } = true;

    /// <summary>Complete if <see cref="IsInitialized"/> is set; otherwise never (protocol tests do not wait for a load).</summary>
    public Task WhenInitializedAsync(CancellationToken cancellationToken = default) =>
        IsInitialized ? Task.CompletedTask : Task.Delay(Timeout.Infinite, cancellationToken);

    public IReadOnlyList<LedgerGraphError> Errors { get; set; } = [];

    public long Count
    {
        get
        {
            lock (_all)
            {
                return _all.Count;
            }
        }
    }

    public bool Contains(TransactionId id)
    {
        lock (_all)
        {
            return _all.Contains(id);
        }
    }

    public void Record(TransactionMetadata transaction) => throw new NotSupportedException();

    public void Add(PartyName counterparty, IEnumerable<TransactionId> ids)
    {
        var set = (FakeRelevantSet)GetRelevantSet(counterparty);
        foreach (var id in ids)
        {
            lock (_all)
            {
                _all.Add(id);
            }

            set.Add(id);
        }
    }

    public IRelevantSet GetRelevantSet(PartyName counterparty)
    {
        lock (_sets)
        {
            if (!_sets.TryGetValue(counterparty, out var set))
            {
                set = new FakeRelevantSet(counterparty);
                _sets[counterparty] = set;
            }

            return set;
        }
    }

    private sealed class FakeRelevantSet(PartyName counterparty) : IRelevantSet
    {
        private readonly HashSet<TransactionId> _ids = [];
        private readonly List<IRelevantSetObserver> _observers = [];

        public PartyName Counterparty { get; } = counterparty;

        public int Count
        {
            get
            {
                lock (_ids)
                {
                    return _ids.Count;
                }
            }
        }

        public bool Contains(TransactionId id)
        {
            lock (_ids)
            {
                return _ids.Contains(id);
            }
        }

        public IReadOnlyCollection<TransactionId> Snapshot()
        {
            lock (_ids)
            {
                return [.. _ids];
            }
        }

        public void Add(TransactionId id)
        {
            lock (_ids)
            {
                if (_ids.Add(id))
                {
                    foreach (var observer in _observers)
                    {
                        observer.OnAdded(id);
                    }
                }
            }
        }

        public IDisposable Subscribe(IRelevantSetObserver observer)
        {
            lock (_ids)
            {
                foreach (var id in _ids)
                {
                    observer.OnAdded(id);
                }

                _observers.Add(observer);
            }

            return new Unsubscriber(this, observer);
        }

        private sealed class Unsubscriber(FakeRelevantSet set, IRelevantSetObserver observer) : IDisposable
        {
            public void Dispose()
            {
                lock (set._ids)
                {
                    set._observers.Remove(observer);
                }
            }
        }
    }
}
