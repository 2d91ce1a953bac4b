using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LedgerSync.Sketches;

/// <summary>
/// Encodes a set of transaction IDs into an unbounded sequence of coded symbols (a rateless invertible Bloom
/// filter). It keeps a prefix of the sequence up to date as IDs are added and removed one at a time, and
/// extends the prefix on demand: every ID keeps the state of its index iterator, so producing further symbols
/// costs one pass over the IDs plus one update per new mapping, never a rebuild.
/// </summary>
/// <remarks>
/// Not thread-safe: callers serialize access (one encoder per counterparty and key). <see cref="Version"/>
/// changes with every change of the set, so a <see cref="RatelessDecoder"/> can tell when its local set moved.
/// </remarks>
internal sealed class RatelessEncoder : ILocalSymbols
{
    /// <summary>The prefix length a new encoder maintains unless told otherwise.</summary>
    public const int DefaultPrefixLength = 1024;

    /// <summary>The longest prefix an encoder can hold (about 2.7 GB of symbols).</summary>
    public const int MaxPrefixLength = 1 << 26;

    private readonly SketchKey _key;
    private readonly Dictionary<TransactionId, int> _slots;
    private ElementState[] _elements;
    private CodedSymbol[] _symbols;
    private int _count;
    private int _prefixLength;

    /// <summary>Creates an empty encoder.</summary>
    /// <param name="key">The key of every hash; the decoding side must use the same key.</param>
    /// <param name="prefixLength">How many leading symbols to maintain from the start (1 to <see cref="MaxPrefixLength"/>).</param>
    /// <param name="capacity">How many IDs to make room for up front.</param>
    public RatelessEncoder(SketchKey key, int prefixLength = DefaultPrefixLength, int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, MaxPrefixLength);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _key = key;
        _slots = new Dictionary<TransactionId, int>(capacity);
        _elements = new ElementState[Math.Max(capacity, 16)];
        _symbols = new CodedSymbol[prefixLength];
        _prefixLength = prefixLength;
    }

    /// <summary>The key of every hash.</summary>
    public SketchKey Key => _key;

    /// <summary>The number of IDs in the set.</summary>
    public int Count => _count;

    /// <summary>How many leading symbols are currently maintained.</summary>
    public int PrefixLength => _prefixLength;

    /// <summary>Changes (by one) with every successful <see cref="Add"/> or <see cref="Remove"/>.</summary>
    public long Version { get; private set; }

    /// <summary>The difference estimator kept up to date with the set, once <see cref="TrackDifferences"/> was called.</summary>
    internal DifferenceEstimator? Estimator { get; private set; }

    /// <summary>
    /// Starts keeping a <see cref="DifferenceEstimator"/> of the set (O(1) per later add or remove, from the hash
    /// computed anyway); the IDs already in the set are hashed once more.
    /// </summary>
    internal void TrackDifferences()
    {
        if (Estimator is not null)
        {
            return;
        }

        var estimator = new DifferenceEstimator();
        foreach (ref readonly var element in _elements.AsSpan(0, _count))
        {
            estimator.Toggle(SymbolMapping.Hash(_key, element.Id));
        }

        Estimator = estimator;
    }

    /// <summary>Tells whether <paramref name="id"/> is in the set.</summary>
    public bool Contains(TransactionId id) => _slots.ContainsKey(id);

    /// <summary>
    /// The slot of <paramref name="id"/>: 0 for the first ID added, then consecutive, so a caller can keep data of its
    /// own per ID in a parallel list, as long as it never removes IDs (a removal moves the last ID into the freed slot).
    /// </summary>
    internal bool TryGetSlot(TransactionId id, out int slot) => _slots.TryGetValue(id, out slot);

    /// <summary>Adds an ID. Returns <see langword="false"/> (and changes nothing) if it is already in the set.</summary>
    public bool Add(TransactionId id)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, id, out var exists);
        if (exists)
        {
            return false;
        }

        if (_count == _elements.Length)
        {
            Array.Resize(ref _elements, _elements.Length * 2);
        }

        slot = _count;
        var hash = SymbolMapping.Hash(_key, id);
        Estimator?.Toggle(hash);
        var checksum = SymbolMapping.Checksum(hash);
        var state = hash;
        var symbols = _symbols;
        var limit = _prefixLength;
        long index = 0;
        do
        {
            symbols[index].Toggle(id.Word0, id.Word1, id.Word2, id.Word3, checksum, 1);
            index = SymbolMapping.Next(index, ref state);
        }
        while (index < limit);

        _elements[_count++] = new ElementState(id, checksum, state, index);
        Version++;
        return true;
    }

    /// <summary>Adds every ID in <paramref name="ids"/>; returns how many were new.</summary>
    public int AddRange(ReadOnlySpan<TransactionId> ids)
    {
        if (_count + ids.Length > _elements.Length)
        {
            Array.Resize(ref _elements, Math.Max(_count + ids.Length, _elements.Length * 2));
        }

        _slots.EnsureCapacity(_count + ids.Length);
        var added = 0;
        foreach (var id in ids)
        {
            if (Add(id))
            {
                added++;
            }
        }

        return added;
    }

    /// <summary>Removes an ID. Returns <see langword="false"/> (and changes nothing) if it is not in the set.</summary>
    public bool Remove(TransactionId id)
    {
        if (!_slots.Remove(id, out var slot))
        {
            return false;
        }

        var hash = SymbolMapping.Hash(_key, id);
        Estimator?.Toggle(hash);
        var checksum = SymbolMapping.Checksum(hash);
        var state = hash;
        var symbols = _symbols;
        var limit = _prefixLength;
        long index = 0;
        do
        {
            symbols[index].Toggle(id.Word0, id.Word1, id.Word2, id.Word3, checksum, -1);
            index = SymbolMapping.Next(index, ref state);
        }
        while (index < limit);

        var last = --_count;
        if (slot != last)
        {
            _elements[slot] = _elements[last];
            _slots[_elements[slot].Id] = slot;
        }

        _elements[last] = default;
        Version++;
        return true;
    }

    /// <summary>
    /// Makes sure at least <paramref name="length"/> leading symbols are maintained (one pass over the set when
    /// the prefix grows). Callers that know how many symbols they will need can call this once up front.
    /// </summary>
    public void EnsurePrefixLength(long length)
    {
        if (length <= _prefixLength)
        {
            return;
        }

        if (length > MaxPrefixLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"An encoder holds at most {MaxPrefixLength} symbols.");
        }

        var newLength = (int)length;
        Array.Resize(ref _symbols, newLength);
        var symbols = _symbols;
        var elements = _elements.AsSpan(0, _count);
        for (var e = 0; e < elements.Length; e++)
        {
            ref var element = ref elements[e];
            var index = element.Next;
            if (index >= newLength)
            {
                continue;
            }

            var state = element.State;
            var id = element.Id;
            do
            {
                symbols[index].Toggle(id.Word0, id.Word1, id.Word2, id.Word3, element.Checksum, 1);
                index = SymbolMapping.Next(index, ref state);
            }
            while (index < newLength);

            element.State = state;
            element.Next = index;
        }

        _prefixLength = newLength;
    }

    /// <summary>
    /// Shrinks the maintained prefix back to <paramref name="length"/> symbols (nothing happens if it is not longer),
    /// releasing the memory a long request made it grow to. Costs one pass over the set: each ID's index iterator is
    /// rewound from its hash.
    /// </summary>
    public void TrimPrefixLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (length >= _prefixLength)
        {
            return;
        }

        var elements = _elements.AsSpan(0, _count);
        for (var e = 0; e < elements.Length; e++)
        {
            ref var element = ref elements[e];
            var state = SymbolMapping.Hash(_key, element.Id);
            long index = 0;
            do
            {
                index = SymbolMapping.Next(index, ref state);
            }
            while (index < length);

            element.State = state;
            element.Next = index;
        }

        var symbols = new CodedSymbol[length];
        _symbols.AsSpan(0, length).CopyTo(symbols);
        _symbols = symbols;
        _prefixLength = length;
    }

    /// <summary>
    /// Copies the symbols from <paramref name="firstIndex"/> on into <paramref name="destination"/> (filling it),
    /// first growing the maintained prefix if needed (at least doubling it, so a run of requests for consecutive
    /// ranges costs a logarithmic number of passes over the set).
    /// </summary>
    public void CopySymbols(long firstIndex, Span<CodedSymbol> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        var end = firstIndex + destination.Length;
        if (end > _prefixLength)
        {
            EnsurePrefixLength(Math.Min(MaxPrefixLength, Math.Max(end, 2L * _prefixLength)));
        }

        _symbols.AsSpan((int)firstIndex, destination.Length).CopyTo(destination);
    }

    /// <summary>Returns the symbol at <paramref name="index"/>, growing the prefix if needed.</summary>
    public CodedSymbol GetSymbol(long index)
    {
        Span<CodedSymbol> one = stackalloc CodedSymbol[1];
        CopySymbols(index, one);
        return one[0];
    }

    /// <summary>Copies the IDs of the set into a new array (in no particular order).</summary>
    public TransactionId[] ToArray()
    {
        var ids = new TransactionId[_count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = _elements[i].Id;
        }

        return ids;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<CodedSymbol> PrefixSpan(int firstIndex, int length) => _symbols.AsSpan(firstIndex, length);

    private struct ElementState(TransactionId id, uint checksum, ulong state, long next)
    {
        public readonly TransactionId Id = id;
        public readonly uint Checksum = checksum;
        public ulong State = state;
        public long Next = next;
    }
}
