namespace LedgerSync.Sketches;

/// <summary>
/// The requester's light, read-only counterpart of <see cref="RatelessEncoder"/>: the same coded symbols for a fixed
/// set of IDs, held in flat arrays (no per-ID dictionary) and computed only for the prefix actually requested,
/// extended incrementally as more is asked for. Membership comes from a sorted array of the keyed 64-bit hashes.
/// </summary>
/// <remarks>
/// Per ID it keeps 16 bytes of iterator state (checksum, iterator state, next index) plus 12 bytes for membership;
/// the IDs themselves are the caller's array, which must not change while the sketch is in use. Not thread-safe.
/// Not yet wired into <c>ReconciliationInitiator</c> / <see cref="RatelessDecoder"/> (see the reqcpu notes).
/// </remarks>
internal sealed class LocalSketch : ILocalSymbols
{
    private readonly SketchKey _key;
    private readonly TransactionId[] _ids;
    private readonly uint[] _checksums;
    private readonly ulong[] _states;
    private readonly int[] _next;
    private readonly ulong[] _sortedHashes;
    private readonly int[] _sortedSlots;
    private CodedSymbol[] _symbols = [];
    private int _prefixLength;

    /// <summary>Creates the sketch of <paramref name="ids"/> (distinct IDs; the array is kept, not copied).</summary>
    /// <param name="key">The key of every hash; the remote side must use the same key.</param>
    /// <param name="ids">The set; a repeated ID throws <see cref="ArgumentException"/>.</param>
    /// <param name="trackDifferences">Whether to build the set's <see cref="DifferenceEstimator"/> as well.</param>
    public LocalSketch(SketchKey key, TransactionId[] ids, bool trackDifferences = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _key = key;
        _ids = ids;
        _checksums = new uint[ids.Length];
        _states = new ulong[ids.Length];
        _next = new int[ids.Length];
        _sortedHashes = new ulong[ids.Length];
        _sortedSlots = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var hash = SymbolMapping.Hash(key, ids[i]);
            _checksums[i] = SymbolMapping.Checksum(hash);
            _states[i] = hash;
            _sortedHashes[i] = hash;
            _sortedSlots[i] = i;
        }

        Array.Sort(_sortedHashes, _sortedSlots);
        for (var i = 1; i < _sortedHashes.Length; i++)
        {
            if (_sortedHashes[i] == _sortedHashes[i - 1] && ids[_sortedSlots[i]] == ids[_sortedSlots[i - 1]])
            {
                throw new ArgumentException($"The set holds {ids[_sortedSlots[i]]} more than once.", nameof(ids));
            }
        }

        if (trackDifferences)
        {
            var estimator = new DifferenceEstimator();
            foreach (var hash in _sortedHashes)
            {
                estimator.Toggle(hash);
            }

            Estimator = estimator;
        }
    }

    /// <summary>The set's difference estimator, when asked for at construction.</summary>
    public DifferenceEstimator? Estimator { get; }

    /// <summary>Always 0: the set is fixed.</summary>
    public long Version => 0;

    /// <summary>The key of every hash.</summary>
    public SketchKey Key => _key;

    /// <summary>The number of IDs in the set.</summary>
    public int Count => _ids.Length;

    /// <summary>How many leading symbols have been computed.</summary>
    public int PrefixLength => _prefixLength;

    /// <summary>Tells whether <paramref name="id"/> is in the set.</summary>
    public bool Contains(TransactionId id)
    {
        var hash = SymbolMapping.Hash(_key, id);
        var at = Array.BinarySearch(_sortedHashes, hash);
        if (at < 0)
        {
            return false;
        }

        // Equal 64-bit hashes sit next to each other: check every slot with this hash against the ID itself.
        while (at > 0 && _sortedHashes[at - 1] == hash)
        {
            at--;
        }

        for (; at < _sortedHashes.Length && _sortedHashes[at] == hash; at++)
        {
            if (_ids[_sortedSlots[at]] == id)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Computes the symbols up to <paramref name="length"/> (one pass over the set when the prefix grows).</summary>
    public void EnsurePrefixLength(long length)
    {
        if (length <= _prefixLength)
        {
            return;
        }

        if (length > RatelessEncoder.MaxPrefixLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A sketch holds at most {RatelessEncoder.MaxPrefixLength} symbols.");
        }

        var newLength = (int)length;
        Array.Resize(ref _symbols, newLength);
        var symbols = _symbols;
        for (var e = 0; e < _ids.Length; e++)
        {
            long index = _prefixLength == 0 ? 0 : _next[e];
            if (index >= newLength)
            {
                continue;
            }

            var state = _states[e];
            var id = _ids[e];
            var checksum = _checksums[e];
            do
            {
                symbols[index].Toggle(id.Word0, id.Word1, id.Word2, id.Word3, checksum, 1);
                index = SymbolMapping.Next(index, ref state);
            }
            while (index < newLength);

            _states[e] = state;

            // Indices past the longest possible prefix all mean "not yet due", so they fit an int.
            _next[e] = (int)Math.Min(index, int.MaxValue);
        }

        _prefixLength = newLength;
    }

    /// <summary>
    /// Copies the symbols from <paramref name="firstIndex"/> on into <paramref name="destination"/>, first computing
    /// more of the prefix if needed (at least doubling it, so consecutive requests cost a logarithmic number of passes).
    /// </summary>
    public void CopySymbols(long firstIndex, Span<CodedSymbol> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        var end = firstIndex + destination.Length;
        if (end > _prefixLength)
        {
            EnsurePrefixLength(Math.Min(RatelessEncoder.MaxPrefixLength, Math.Max(end, 2L * _prefixLength)));
        }

        _symbols.AsSpan((int)firstIndex, destination.Length).CopyTo(destination);
    }
}
