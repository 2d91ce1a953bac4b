using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LedgerSync.Sketches;

/// <summary>
/// The requester's light, read-only counterpart of <see cref="RatelessEncoder"/>: the same coded symbols for a fixed
/// set of IDs, held in flat arrays (no per-ID dictionary) and computed only for the prefix actually requested,
/// extended as more is asked for, never past its cap. Membership comes from an open-addressing table of slots keyed
/// by the same keyed hash.
/// </summary>
/// <remarks>
/// <para>Construction is one pass over the IDs: each is hashed once (SipHash-1-3), toggled into the difference
/// estimator when asked for, entered in the membership table, and encoded into the initial prefix; its iterator is
/// then parked at the first index past the prefix. Extending the prefix later touches only the IDs that map into the
/// new range (reading the parked index of the others).</para>
/// <para>Per ID it keeps 16 bytes of iterator state (checksum, iterator state, next index) plus 4 to 8 bytes of table;
/// the IDs themselves are the caller's array, which must not change while the sketch is in use. Not thread-safe.</para>
/// </remarks>
internal sealed class LocalSketch : ILocalSymbols
{
    private readonly SketchKey _key;
    private readonly TransactionId[] _ids;
    private readonly uint[] _checksums;
    private readonly ulong[] _states;
    private readonly int[] _next;
    private readonly int[] _table;
    private readonly int _tableMask;
    private readonly int _maxPrefixLength;
    private CodedSymbol[] _symbols;
    private int _prefixLength;
    private bool _streaming;

    /// <summary>Creates the sketch of <paramref name="ids"/> (distinct IDs; the array is kept, not copied).</summary>
    /// <param name="key">The key of every hash; the remote side must use the same key.</param>
    /// <param name="ids">The set; a repeated ID throws <see cref="ArgumentException"/>.</param>
    /// <param name="prefixLength">How many leading symbols to compute in the construction pass (1 to <paramref name="maxPrefixLength"/>).</param>
    /// <param name="maxPrefixLength">The longest prefix the sketch may ever hold (at most <see cref="RatelessEncoder.MaxPrefixLength"/>).</param>
    /// <param name="trackDifferences">Whether to build the set's <see cref="DifferenceEstimator"/> in the same pass.</param>
    public LocalSketch(
        SketchKey key,
        TransactionId[] ids,
        int prefixLength = 1,
        int maxPrefixLength = RatelessEncoder.MaxPrefixLength,
        bool trackDifferences = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPrefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPrefixLength, RatelessEncoder.MaxPrefixLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefixLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, maxPrefixLength);
        _key = key;
        _ids = ids;
        _maxPrefixLength = maxPrefixLength;
        _checksums = GC.AllocateUninitializedArray<uint>(ids.Length);
        _states = GC.AllocateUninitializedArray<ulong>(ids.Length);
        _next = GC.AllocateUninitializedArray<int>(ids.Length);

        // At most three quarters full, so a probe for an absent ID ends after a few slots.
        var tableSize = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, ids.Length + (ids.Length / 3) + 1));
        _table = new int[tableSize];
        _tableMask = tableSize - 1;
        _symbols = new CodedSymbol[prefixLength];
        _prefixLength = prefixLength;
        var estimator = trackDifferences ? new DifferenceEstimator() : null;
        var repeated = Build(estimator);
        if (repeated >= 0)
        {
            throw new ArgumentException($"The set holds {ids[repeated]} more than once.", nameof(ids));
        }

        Estimator = estimator;
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

    /// <summary>The longest prefix this sketch may hold.</summary>
    public int MaxPrefixLength => _maxPrefixLength;

    /// <summary>Tells whether <paramref name="id"/> is in the set.</summary>
    public bool Contains(TransactionId id)
    {
        var hash = SymbolMapping.Hash(_key, id);
        var checksum = SymbolMapping.Checksum(hash);
        for (var at = (int)hash & _tableMask; ; at = (at + 1) & _tableMask)
        {
            var slot = _table[at] - 1;
            if (slot < 0)
            {
                return false;
            }

            if (_checksums[slot] == checksum && _ids[slot] == id)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Computes the symbols up to <paramref name="length"/>, clamped to <see cref="MaxPrefixLength"/> (one pass over
    /// the parked indices when the prefix grows; only IDs that map into the new range do any work).
    /// </summary>
    public void EnsurePrefixLength(long length)
    {
        if (length <= _prefixLength)
        {
            return;
        }

        if (length > _maxPrefixLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"This sketch holds at most {_maxPrefixLength} symbols.");
        }

        if (_streaming)
        {
            throw new InvalidOperationException("The sketch streams its symbols: the prefix past the streamed ones is not held.");
        }

        var newLength = (int)length;
        Array.Resize(ref _symbols, newLength);
        Extend(_symbols, 0, newLength);
        _prefixLength = newLength;
    }

    /// <summary>
    /// Computes the next <paramref name="destination"/>.Length symbols past <see cref="PrefixLength"/> into
    /// <paramref name="destination"/> without keeping them (a sender that streams its symbols holds only the window it
    /// sends, whatever the number of symbols asked of it). The prefix computed before stays readable; nothing past it
    /// can be read again, and the prefix can no longer grow by <see cref="EnsurePrefixLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The symbols would go past <see cref="MaxPrefixLength"/>.</exception>
    public void StreamSymbols(Span<CodedSymbol> destination)
    {
        var end = (long)_prefixLength + destination.Length;
        if (end > _maxPrefixLength)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), end, $"This sketch holds at most {_maxPrefixLength} symbols.");
        }

        _streaming = true;
        destination.Clear();
        Extend(destination, _prefixLength, (int)end);
        _prefixLength = (int)end;
    }

    /// <summary>
    /// Computes the symbols up to <paramref name="wanted"/> ahead of their use, growing the prefix by at least a quarter
    /// (every extension reads each ID's parked index once, so many small steps would cost more than the symbols), but
    /// never past <paramref name="limit"/> or <see cref="MaxPrefixLength"/>.
    /// </summary>
    public void ComputeAhead(long wanted, long limit)
    {
        limit = Math.Min(limit, _maxPrefixLength);
        wanted = Math.Min(wanted, limit);
        if (wanted > _prefixLength)
        {
            EnsurePrefixLength(Math.Min(limit, Math.Max(wanted, _prefixLength + (_prefixLength / 4L))));
        }
    }

    /// <summary>
    /// Copies the symbols from <paramref name="firstIndex"/> on into <paramref name="destination"/>, first computing
    /// more of the prefix if needed (by at least a quarter, so consecutive requests cost a logarithmic number of
    /// passes, and never past <see cref="MaxPrefixLength"/>).
    /// </summary>
    /// <exception cref="LedgerSyncProtocolException">The symbols asked for go past <see cref="MaxPrefixLength"/> (only a peer that sends more than it may asks for them).</exception>
    public void CopySymbols(long firstIndex, Span<CodedSymbol> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        var end = firstIndex + destination.Length;
        if (end > _maxPrefixLength)
        {
            throw new LedgerSyncProtocolException(
                $"Coded symbols up to index {end - 1} were offered; this run uses at most {_maxPrefixLength}.");
        }

        if (end > _symbols.Length && _streaming)
        {
            throw new InvalidOperationException($"Symbols from index {_symbols.Length} on were streamed and are not held.");
        }

        if (end > _prefixLength)
        {
            EnsurePrefixLength(Math.Min(_maxPrefixLength, Math.Max(end, _prefixLength + (_prefixLength / 4L))));
        }

        _symbols.AsSpan((int)firstIndex, destination.Length).CopyTo(destination);
    }

    /// <summary>
    /// The construction: one pass hashes every ID (estimator and symbol 0, which holds every ID, on the way), one
    /// enters the slots in the membership table (prefetching ahead, as the table is far larger than the caches) and
    /// draws each ID's first index past 0, and <see cref="Extend"/> encodes the rest of the initial prefix.
    /// Returns the slot of a repeated ID, or -1.
    /// </summary>
    private int Build(DifferenceEstimator? estimator)
    {
        var ids = _ids;
        var checksums = _checksums;
        var states = _states;
        var key = _key;
        CodedSymbol first = default;
        for (var e = 0; e < ids.Length; e++)
        {
            ref readonly var id = ref ids[e];
            var hash = SymbolMapping.Hash(key, id);
            var checksum = SymbolMapping.Checksum(hash);
            estimator?.Toggle(hash);
            checksums[e] = checksum;
            states[e] = hash;
            first.Toggle(id.Word0, id.Word1, id.Word2, id.Word3, checksum, 1);
        }

        _symbols[0] = first;
        var repeated = FillTable();
        if (repeated >= 0)
        {
            return repeated;
        }

        var length = _prefixLength;
        _prefixLength = 1;
        Extend(_symbols, 0, length);
        _prefixLength = length;
        return -1;
    }

    private unsafe int FillTable()
    {
        const int Ahead = 16;
        var states = _states;
        var next = _next;
        var table = _table;
        var mask = _tableMask;
        fixed (int* slots = table)
        {
            for (var e = 0; e < states.Length; e++)
            {
                if (Sse.IsSupported && e + Ahead < states.Length)
                {
                    Sse.Prefetch0(slots + ((int)states[e + Ahead] & mask));
                }

                var hash = states[e];
                if (!Insert(table, mask, e, (int)hash, SymbolMapping.Checksum(hash)))
                {
                    return e;
                }

                var state = hash;
                next[e] = Park(SymbolMapping.Next(0, ref state));
                states[e] = state;
            }
        }

        return -1;
    }

    /// <summary>Enters <paramref name="slot"/> in the membership table; <see langword="false"/> if its ID is there already.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Insert(int[] table, int mask, int slot, int position, uint checksum)
    {
        for (var at = position & mask; ; at = (at + 1) & mask)
        {
            var other = table[at] - 1;
            if (other < 0)
            {
                table[at] = slot + 1;
                return true;
            }

            if (_checksums[other] == checksum && _ids[other] == _ids[slot])
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Encodes every ID's mappings in [<see cref="PrefixLength"/>, <paramref name="newLength"/>) into
    /// <paramref name="symbols"/>, whose first element is the symbol at <paramref name="symbolsBase"/>. IDs go in blocks
    /// that stay in the first-level cache, and within a block in rounds of one mapping per ID still due: the index
    /// draws of different IDs do not wait on each other, so the processor overlaps their divisions and square roots
    /// (one ID's draws form a chain that would otherwise stall on each).
    /// </summary>
    private void Extend(Span<CodedSymbol> symbols, int symbolsBase, int newLength)
    {
        const int Block = 256;
        var ids = _ids;
        var checksums = _checksums;
        var states = _states;
        var next = _next;
        Span<int> lanes = stackalloc int[Block];
        Span<long> indices = stackalloc long[Block];
        Span<ulong> draws = stackalloc ulong[Block];
        for (var start = 0; start < next.Length; start += Block)
        {
            var end = Math.Min(next.Length, start + Block);
            var count = 0;
            for (var e = start; e < end; e++)
            {
                var index = next[e];
                if (index < newLength)
                {
                    lanes[count] = e;
                    indices[count] = index;
                    draws[count] = states[e];
                    count++;
                }
            }

            while (count > 0)
            {
                var k = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    for (; k + Vector512<long>.Count <= count; k += Vector512<long>.Count)
                    {
                        for (var lane = k; lane < k + Vector512<long>.Count; lane++)
                        {
                            var e = lanes[lane];
                            ref readonly var id = ref ids[e];
                            symbols[(int)indices[lane] - symbolsBase].Toggle(id.Word0, id.Word1, id.Word2, id.Word3, checksums[e], 1);
                        }

                        var current = Vector512.Create<long>(indices.Slice(k, Vector512<long>.Count));
                        var state = Vector512.Create<ulong>(draws.Slice(k, Vector512<ulong>.Count));
                        SymbolMapping.Next(ref current, ref state);
                        current.CopyTo(indices.Slice(k, Vector512<long>.Count));
                        state.CopyTo(draws.Slice(k, Vector512<ulong>.Count));
                    }
                }

                for (; k < count; k++)
                {
                    var e = lanes[k];
                    ref readonly var id = ref ids[e];
                    symbols[(int)indices[k] - symbolsBase].Toggle(id.Word0, id.Word1, id.Word2, id.Word3, checksums[e], 1);
                    var state = draws[k];
                    indices[k] = SymbolMapping.Next(indices[k], ref state);
                    draws[k] = state;
                }

                var kept = 0;
                for (k = 0; k < count; k++)
                {
                    var e = lanes[k];
                    var index = indices[k];
                    var state = draws[k];
                    states[e] = state;
                    next[e] = Park(index);
                    lanes[kept] = e;
                    indices[kept] = index;
                    draws[kept] = state;
                    kept += index < newLength ? 1 : 0;
                }

                count = kept;
            }
        }
    }

    /// <summary>Indices past the longest possible prefix all mean "not yet due", so they fit an int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Park(long index) => (int)Math.Min(index, int.MaxValue);
}
