namespace LedgerSync.Ledger;

/// <summary>
/// The relevant set of one counterparty: a bit per graph node ("reached") plus the list of members in the order they
/// were found. Built once by one scan of the graph, then extended as the graph records transactions; every node is
/// reached at most once, so upkeep is amortized O(1) per recorded transaction. All state changes happen under the
/// graph's lock, which is also what makes <see cref="Subscribe"/> exact (no member missed or reported twice).
/// </summary>
internal sealed class RelevantSet : IRelevantSet
{
    private readonly LedgerGraph _graph;
    private readonly PartyName _local;
    private ulong[] _reached = [];
    private int[] _members = new int[64];
    private int _memberCount;
    private sbyte[] _setIsRelevant = []; // per participant set: 0 not computed yet, 1 relevant, -1 not
    private int[] _stack = new int[64];
    private IRelevantSetObserver[] _observers = [];

    public RelevantSet(LedgerGraph graph, PartyName local, PartyName counterparty)
    {
        _graph = graph;
        _local = local;
        Counterparty = counterparty;
    }

    public PartyName Counterparty { get; }

    public int Count => Volatile.Read(ref _memberCount);

    public bool Contains(TransactionId id)
    {
        lock (_graph.SyncRoot)
        {
            var index = _graph.FindNode(id);
            return index >= 0 && _graph.Entry(index).IsPresent && IsReached(index);
        }
    }

    public IReadOnlyCollection<TransactionId> Snapshot()
    {
        lock (_graph.SyncRoot)
        {
            var ids = new TransactionId[_memberCount];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = _graph.Entry(_members[i]).Id;
            }

            return ids;
        }
    }

    public IDisposable Subscribe(IRelevantSetObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_graph.SyncRoot)
        {
            for (var i = 0; i < _memberCount; i++)
            {
                Notify(observer, _graph.Entry(_members[i]).Id);
            }

            _observers = [.. _observers, observer];
            return new Subscription(this, observer);
        }
    }

    /// <summary>Scans the whole graph once. Caller holds the graph's lock.</summary>
    public void Build()
    {
        var nodeCount = _graph.NodeCount;
        EnsureBits(nodeCount);
        for (var i = 0; i < nodeCount; i++)
        {
            ref var entry = ref _graph.Entry(i);
            if (entry.IsPresent && !IsReached(i) && IsRelevantSet(entry.ParticipantSet))
            {
                Reach(i);
                Expand(i);
            }
        }
    }

    /// <summary>The graph recorded node <paramref name="index"/> (new, or a placeholder now filled). Caller holds the graph's lock.</summary>
    public void OnRecorded(int index)
    {
        EnsureBits(_graph.NodeCount);
        if (IsReached(index))
        {
            // A placeholder some member depends on: it is a member now that the ledger holds it.
            AddMember(index);
            Expand(index);
        }
        else if (IsRelevantSet(_graph.Entry(index).ParticipantSet))
        {
            Reach(index);
            Expand(index);
        }
    }

    private bool IsRelevantSet(int participantSet)
    {
        if (participantSet >= _setIsRelevant.Length)
        {
            Array.Resize(ref _setIsRelevant, Math.Max(participantSet + 1, _setIsRelevant.Length * 2));
        }

        var known = _setIsRelevant[participantSet];
        if (known == 0)
        {
            var participants = _graph.Participants;
            var relevant = participants.Contains(participantSet, participants.FindParty(_local))
                && participants.Contains(participantSet, participants.FindParty(Counterparty));
            known = relevant ? (sbyte)1 : (sbyte)-1;
            _setIsRelevant[participantSet] = known;
        }

        return known > 0;
    }

    // Marks every dependency reachable from node `start` (already reached), iteratively.
    private void Expand(int start)
    {
        var top = 0;
        _stack[top++] = start;
        while (top > 0)
        {
            var node = _stack[--top];
            foreach (var dependency in _graph.GetDependencies(_graph.Entry(node)))
            {
                if (IsReached(dependency))
                {
                    continue;
                }

                // A placeholder is marked reached but is not a member until the ledger holds it (see OnRecorded).
                _reached[dependency >> 6] |= 1UL << dependency;
                if (_graph.IsPresent(dependency))
                {
                    AddMember(dependency);
                    if (top == _stack.Length)
                    {
                        Array.Resize(ref _stack, _stack.Length * 2);
                    }

                    _stack[top++] = dependency;
                }
            }
        }
    }

    private void Reach(int index)
    {
        _reached[index >> 6] |= 1UL << index;
        AddMember(index);
    }

    private void AddMember(int index)
    {
        if (_memberCount == _members.Length)
        {
            Array.Resize(ref _members, _members.Length * 2);
        }

        _members[_memberCount] = index;
        Volatile.Write(ref _memberCount, _memberCount + 1);
        if (_observers.Length > 0)
        {
            var id = _graph.Entry(index).Id;
            foreach (var observer in _observers)
            {
                Notify(observer, id);
            }
        }
    }

    private void Notify(IRelevantSetObserver observer, TransactionId id)
    {
        try
        {
            observer.OnAdded(id);
        }
#pragma warning disable CA1031 // An observer must not throw; if it does, the failure is logged and recording goes on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _graph.ReportObserverFailure(Counterparty, exception);
        }
    }

    private bool IsReached(int index) => (_reached[index >> 6] & (1UL << index)) != 0;

    private void EnsureBits(int nodeCount)
    {
        var words = (nodeCount + 63) >> 6;
        if (words > _reached.Length)
        {
            Array.Resize(ref _reached, Math.Max(words, _reached.Length * 2));
        }
    }

    private void Unsubscribe(IRelevantSetObserver observer)
    {
        lock (_graph.SyncRoot)
        {
            var index = Array.IndexOf(_observers, observer);
            if (index >= 0)
            {
                _observers = [.. _observers[..index], .. _observers[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(RelevantSet set, IRelevantSetObserver observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                set.Unsubscribe(observer);
            }
        }
    }
}
