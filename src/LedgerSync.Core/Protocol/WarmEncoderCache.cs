using LedgerSync.Ledger;
using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>
/// The responder's warm encoders, one per counterparty, each under its own random <see cref="SketchKey"/>; the least
/// recently used is dropped (and unsubscribed) beyond <see cref="Capacity"/> counterparties. A counterparty whose
/// encoder was dropped gets a new key next time. Runs in progress keep their (pinned) encoder until they end.
/// </summary>
internal sealed class WarmEncoderCache(ILedgerGraph graph) : IDisposable
{
    /// <summary>The default number of counterparties kept warm.</summary>
    public const int DefaultCapacity = 16;

    private readonly Lock _lock = new();
    private readonly Dictionary<PartyName, LinkedListNode<WarmEncoder>> _entries = [];
    private readonly LinkedList<WarmEncoder> _recency = new();

    public int Capacity { get; init; } = DefaultCapacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Whether an encoder for <paramref name="counterparty"/> is warm.</summary>
    public bool IsWarm(PartyName counterparty)
    {
        lock (_lock)
        {
            return _entries.ContainsKey(counterparty);
        }
    }

    /// <summary>Returns the warm encoder of <paramref name="counterparty"/>, creating (and filling) it if needed.</summary>
    public WarmEncoder Get(PartyName counterparty)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(counterparty, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value;
            }
        }

        // Build outside the cache lock: filling a large set takes a while.
        var relevantSet = graph.GetRelevantSet(counterparty);
        var created = new WarmEncoder(counterparty, SketchKey.CreateRandom(), relevantSet.Count);
        created.Attach(relevantSet);
        WarmEncoder? evicted = null;
        lock (_lock)
        {
            if (_entries.TryGetValue(counterparty, out var raced))
            {
                created.Dispose();
                return raced.Value;
            }

            _entries[counterparty] = _recency.AddFirst(created);
            if (_entries.Count > Capacity && _recency.Last is { } last)
            {
                _recency.RemoveLast();
                _entries.Remove(last.Value.Counterparty);
                evicted = last.Value;
            }
        }

        evicted?.Dispose();
        return created;
    }

    /// <summary>
    /// Drops <paramref name="encoder"/> if it is still the counterparty's warm encoder, so its next run gets a new key (a
    /// run under this key failed to decode, or a set holds two IDs of one short ID under it). Runs holding it keep it
    /// until they end.
    /// </summary>
    public void Invalidate(WarmEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        lock (_lock)
        {
            if (!_entries.TryGetValue(encoder.Counterparty, out var node) || node.Value != encoder)
            {
                return;
            }

            _entries.Remove(encoder.Counterparty);
            _recency.Remove(node);
        }

        encoder.Dispose();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var entry in _recency)
            {
                entry.Dispose();
            }

            _recency.Clear();
            _entries.Clear();
        }
    }
}
