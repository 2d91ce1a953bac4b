using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LedgerSync.Sketches;

/// <summary>
/// Recovers the difference between a remote set and the local set from the remote side's coded symbols. Built
/// on the requester's <see cref="RatelessEncoder"/>: it subtracts the local symbol of each index as the remote
/// symbols arrive (in index order, in batches of any size) and peels incrementally, so it can say after every
/// symbol whether the difference is complete.
/// </summary>
/// <remarks>
/// <para>Never reports a wrong ID. A symbol counts as pure only when the keyed checksum of its sum matches (as
/// many bits as the wire carries for its index, see docs/sketches.md), the
/// sum's own keyed mapping includes the symbol's index, and the ID is not recovered already. Its side is
/// decided by local membership: an ID in the local set can only be local-only, any other only remote-only
/// (so the count, which the wire does not carry, is not needed). The difference is complete only when every
/// received symbol has peeled to empty (sum and checksum zero) and the recovered counts agree with the two
/// set sizes.</para>
/// <para>The local set must not change while decoding: <see cref="AddRemoteSymbols(long, ReadOnlySpan{CodedSymbol})"/>
/// throws <see cref="InvalidOperationException"/> if the encoder's <see cref="RatelessEncoder.Version"/> moved.
/// Not thread-safe.</para>
/// </remarks>
internal sealed class RatelessDecoder
{
    private readonly ILocalSymbols _local;
    private readonly SketchKey _key;
    private readonly long _encoderVersion;
    private readonly Dictionary<TransactionId, int> _recoveredIds = [];
    private readonly HashSet<TransactionId> _toggledOut = [];
    private readonly PriorityQueue<int, long> _pending = new();
    private readonly Stack<int> _candidates = new();
    private CodedSymbol[] _difference = new CodedSymbol[64];
    private Recovered[] _recovered = new Recovered[16];
    private int[] _mapping = new int[64];
    private int _recoveredCount;
    private int _received;
    private long _nextExpected;
    private int _nonEmpty;
    private int _remoteOnlyCount;
    private int _localOnlyCount;
    private long _symbolsUsed = -1;
    private int _rawEmpty;
    private long _peelEvents;
    private int _toggles;
    private readonly uint _earlyChecksumMask;
    private readonly uint _reducedChecksumMask;

    /// <summary>Peels and toggles allowed per received symbol (plus <see cref="PeelWorkSlack"/>); an honest stream needs at most about one.</summary>
    internal const int PeelWorkPerSymbol = 4;

    /// <summary>Peels and toggles allowed on top of <see cref="PeelWorkPerSymbol"/> per received symbol.</summary>
    internal const int PeelWorkSlack = 64;

    /// <summary>Creates a decoder against the local set held by <paramref name="local"/>.</summary>
    /// <param name="local">The local encoder; its key must be the remote side's key, and its set must not change while decoding.</param>
    /// <param name="remoteSetSize">The number of IDs in the remote set, as the remote side announced it.</param>
    public RatelessDecoder(RatelessEncoder local, long remoteSetSize)
        : this((ILocalSymbols)local, remoteSetSize)
    {
    }

    /// <summary>Creates a decoder against the fixed local set of a light <see cref="LocalSketch"/> (the requester's side).</summary>
    internal RatelessDecoder(LocalSketch local, long remoteSetSize)
        : this((ILocalSymbols)local, remoteSetSize)
    {
    }

    /// <summary>
    /// Creates a decoder whose symbols carry only the checksum bits of <paramref name="earlyChecksumMask"/> below index
    /// <see cref="SymbolCodec.FullChecksumSymbols"/> and of <paramref name="reducedChecksumMask"/> from there on (a
    /// symbol format other than the wire's format 1, which carries 32 then 24: used by the wire report's design studies).
    /// </summary>
    internal RatelessDecoder(LocalSketch local, long remoteSetSize, uint earlyChecksumMask, uint reducedChecksumMask)
        : this((ILocalSymbols)local, remoteSetSize, earlyChecksumMask, reducedChecksumMask)
    {
    }

    internal RatelessDecoder(ILocalSymbols local, long remoteSetSize, uint earlyChecksumMask = SymbolCodec.FullChecksumMask, uint reducedChecksumMask = SymbolCodec.ReducedChecksumMask)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentOutOfRangeException.ThrowIfNegative(remoteSetSize);
        _local = local;
        _key = local.Key;
        _encoderVersion = local.Version;
        RemoteSetSize = remoteSetSize;
        LocalSetSize = local.Count;
        _earlyChecksumMask = earlyChecksumMask;
        _reducedChecksumMask = reducedChecksumMask;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ChecksumMask(long index) => index < SymbolCodec.FullChecksumSymbols ? _earlyChecksumMask : _reducedChecksumMask;

    /// <summary>The number of IDs in the remote set, as announced.</summary>
    public long RemoteSetSize { get; }

    /// <summary>The number of IDs in the local set when decoding started.</summary>
    public long LocalSetSize { get; }

    /// <summary>How many remote symbols have been consumed (fewer than were offered if decoding finished inside a batch).</summary>
    public long SymbolsReceived => _received;

    /// <summary>The index the next batch must start at: one past the last symbol offered, consumed or not.</summary>
    public long NextExpectedIndex => _nextExpected;

    /// <summary>How many IDs only the remote side has were recovered so far.</summary>
    public int RemoteOnlyCount => _remoteOnlyCount;

    /// <summary>How many IDs only the local side has were recovered so far.</summary>
    public int LocalOnlyCount => _localOnlyCount;

    /// <summary>
    /// A lower bound on the number of differences: the set-size difference. It is exact when one side's set
    /// contains the other's (the common case after a restore from backup). The remote size is what the peer
    /// announced, so this is a sizing hint only: it never decides that decoding is complete.
    /// </summary>
    public long MinimumDifferences => Math.Abs(RemoteSetSize - LocalSetSize);

    /// <summary>
    /// Whether every received symbol has peeled to empty. Symbol 0 holds every difference, so this alone says (up to a
    /// 2^-256 collision) that nothing is left to recover; <see cref="IsDecoded"/> also needs the recovered counts to
    /// agree with the announced set sizes. All peeled but not decoded means the announced sizes are false.
    /// </summary>
    public bool IsAllPeeled => _received > 0 && _nonEmpty == 0;

    /// <summary>How many received symbols are not empty yet.</summary>
    internal int NonEmptyCount => _nonEmpty;

    /// <summary>How many recovered IDs were toggled out again (false peels corrected, see docs/sketches.md).</summary>
    internal int ToggleCount => _toggles;

    /// <summary>How many peels and toggles were done so far (bounded by <see cref="PeelWorkPerSymbol"/> per received symbol plus <see cref="PeelWorkSlack"/>).</summary>
    internal long PeelEvents => _peelEvents;

    /// <summary>How many received symbols were empty before any recovered ID was peeled from them (no difference maps there).</summary>
    internal int RawEmptyCount => _rawEmpty;

    /// <summary>
    /// Estimates the number of differences from the received symbols that were empty on arrival: the symbol at index
    /// i holds each difference with probability 2/(i+2), so it is empty with probability (i/(i+2))^d; the estimate is
    /// the d whose expected count of empty symbols matches the observed one. Returns <see langword="null"/> while no
    /// symbol was empty (the difference is then much larger than the symbols received: about d &gt; received / 4).
    /// </summary>
    internal double? EstimateDifferences()
    {
        if (_rawEmpty == 0 || _received < 2)
        {
            return null;
        }

        if (_rawEmpty >= _received - 1)
        {
            return _remoteOnlyCount + _localOnlyCount;
        }

        double lo = 0, hi = Math.Max(1.0, _received) * 64;
        for (var iteration = 0; iteration < 64 && hi - lo > 0.25; iteration++)
        {
            var mid = (lo + hi) / 2;
            if (ExpectedEmpty(mid, _received) > _rawEmpty)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Max((lo + hi) / 2, _remoteOnlyCount + _localOnlyCount);
    }

    /// <summary>The expected number of empty symbols among indices [0, <paramref name="count"/>) for <paramref name="d"/> differences (exact up to 4,096 indices, then sampled).</summary>
    internal static double ExpectedEmpty(double d, long count)
    {
        const int Exact = 4096;
        double sum = 0;
        var exactEnd = Math.Min(count, Exact);
        for (long i = 1; i < exactEnd; i++)
        {
            sum += Math.Exp(d * Math.Log(i / (i + 2.0)));
        }

        if (count > Exact)
        {
            var step = Math.Max(1.0, (count - Exact) / 4096.0);
            for (double i = Exact + (step / 2); i < count; i += step)
            {
                sum += step * Math.Exp(d * Math.Log(i / (i + 2.0)));
            }
        }

        return sum;
    }

    /// <summary>Whether the difference is complete: every received symbol peeled to empty and the counts agree with the set sizes.</summary>
    public bool IsDecoded =>
        _received > 0 && _nonEmpty == 0 && _remoteOnlyCount - _localOnlyCount == RemoteSetSize - LocalSetSize;

    /// <summary>
    /// Adds the next remote symbols, which must start at index <see cref="NextExpectedIndex"/>, and peels. Stops
    /// consuming as soon as the difference is complete and returns how many symbols it consumed (the rest of the
    /// span, and any later batch still in flight, is not needed and is ignored).
    /// </summary>
    /// <exception cref="LedgerSyncProtocolException"><paramref name="firstIndex"/> is not the next expected index.</exception>
    /// <exception cref="InvalidOperationException">The local set changed since the decoder was created.</exception>
    public int AddRemoteSymbols(long firstIndex, ReadOnlySpan<CodedSymbol> symbols)
    {
        if (firstIndex != _nextExpected)
        {
            throw new LedgerSyncProtocolException(
                $"Coded symbols arrived out of order: expected index {_nextExpected}, got a batch starting at {firstIndex}.");
        }

        if (_local.Version != _encoderVersion)
        {
            throw new InvalidOperationException("The local set changed while decoding; start a new decoder.");
        }

        if (_nextExpected + symbols.Length > RatelessEncoder.MaxPrefixLength)
        {
            throw new LedgerSyncProtocolException(
                $"Too many coded symbols: {_nextExpected + symbols.Length} exceeds the limit of {RatelessEncoder.MaxPrefixLength}.");
        }

        _nextExpected += symbols.Length;
        if (symbols.IsEmpty || IsDecoded)
        {
            return 0;
        }

        var needed = _received + symbols.Length;
        if (needed > _difference.Length)
        {
            Array.Resize(ref _difference, (int)Math.Min(RatelessEncoder.MaxPrefixLength, Math.Max(needed, 2L * _difference.Length)));
        }

        var localBuffer = ArrayPool<CodedSymbol>.Shared.Rent(symbols.Length);
        try
        {
            var local = localBuffer.AsSpan(0, symbols.Length);
            _local.CopySymbols(_received, local);
            for (var k = 0; k < symbols.Length; k++)
            {
                AddOne(symbols[k], local[k]);
                if (IsDecoded)
                {
                    _symbolsUsed = _received;
                    return k + 1;
                }
            }
        }
        finally
        {
            ArrayPool<CodedSymbol>.Shared.Return(localBuffer);
        }

        return symbols.Length;
    }

    /// <summary>Adds the next remote symbols (starting at <see cref="NextExpectedIndex"/>); see <see cref="AddRemoteSymbols(long, ReadOnlySpan{CodedSymbol})"/>.</summary>
    public int AddRemoteSymbols(ReadOnlySpan<CodedSymbol> symbols) => AddRemoteSymbols(_nextExpected, symbols);

    /// <summary>Returns the difference if it is complete; <see langword="false"/> if more symbols are needed.</summary>
    public bool TryDecode([NotNullWhen(true)] out SetDifference? difference)
    {
        if (!IsDecoded)
        {
            difference = null;
            return false;
        }

        var remoteOnly = new TransactionId[_remoteOnlyCount];
        var localOnly = new TransactionId[_localOnlyCount];
        int r = 0, l = 0;
        for (var e = 0; e < _recoveredCount; e++)
        {
            ref var element = ref _recovered[e];
            if (element.Sign > 0)
            {
                remoteOnly[r++] = element.Id;
            }
            else if (element.Sign < 0)
            {
                localOnly[l++] = element.Id;
            }
        }

        difference = new SetDifference(remoteOnly, localOnly, _symbolsUsed >= 0 ? _symbolsUsed : _received);
        return true;
    }

    private void AddOne(in CodedSymbol remote, in CodedSymbol local)
    {
        var index = _received++;
        ref var symbol = ref _difference[index];
        symbol.S0 = remote.S0 ^ local.S0;
        symbol.S1 = remote.S1 ^ local.S1;
        symbol.S2 = remote.S2 ^ local.S2;
        symbol.S3 = remote.S3 ^ local.S3;
        symbol.Check = (remote.Check ^ local.Check) & ChecksumMask(index);
        symbol.Cnt = 0;
        if (!symbol.IsEmpty)
        {
            _nonEmpty++;
        }
        else
        {
            _rawEmpty++;
        }

        // Apply the recovered IDs that map to this index, then see whether the symbol became pure.
        while (_pending.TryPeek(out var e, out var next) && next == index)
        {
            ref var element = ref _recovered[e];
            if (element.Sign == 0)
            {
                _pending.Dequeue(); // toggled out: it no longer maps anywhere
                continue;
            }

            Apply(index, element.Id, element.Checksum);
            var state = element.State;
            var following = SymbolMapping.Next(index, ref state);
            element.State = state;
            _pending.DequeueEnqueue(e, following);
        }

        if (!symbol.IsEmpty)
        {
            Enqueue(index);
        }

        Peel();
    }

    private void Peel()
    {
        while (_candidates.TryPop(out var index))
        {
            ref var symbol = ref _difference[index];
            symbol.Cnt = 0; // no longer queued (the decoder keeps its "queued" flag in the unused count)
            if (symbol.IsEmpty)
            {
                continue;
            }

            var hash = SymbolMapping.Hash(_key, symbol.S0, symbol.S1, symbol.S2, symbol.S3);
            var checksum = SymbolMapping.Checksum(hash);
            if ((checksum & ChecksumMask(index)) != symbol.Check)
            {
                continue;
            }

            var id = symbol.Sum;
            var mappings = MapReceived(hash, index, out var next, out var state);
            if (mappings < 0 || _toggledOut.Contains(id))
            {
                // Not pure: a checksum collision on a mixed symbol (or a hostile peer), or an ID already found false.
                continue;
            }

            PeelOne(id, checksum, mappings, next, state);
        }
    }

    /// <summary>Test seam: peels <paramref name="id"/> as if a received symbol had been pure as it (a forced false or true peel).</summary>
    internal void ForcePeel(TransactionId id)
    {
        if (_received == 0)
        {
            throw new InvalidOperationException("No symbol received yet.");
        }

        var hash = SymbolMapping.Hash(_key, id);
        var mappings = MapReceived(hash, 0, out var next, out var state);
        PeelOne(id, SymbolMapping.Checksum(hash), mappings, next, state);
        Peel();
    }

    /// <summary>Recovers <paramref name="id"/>, or toggles it out if it is recovered already, within the work bound.</summary>
    private void PeelOne(TransactionId id, uint checksum, int mappings, long next, ulong state)
    {
        if (++_peelEvents > (PeelWorkPerSymbol * (long)_received) + PeelWorkSlack)
        {
            throw new LedgerSyncProtocolException(
                $"The coded symbols do not decode: {_peelEvents} peels for {_received} symbols exceeds the limit of {PeelWorkPerSymbol} per symbol.");
        }

        if (_recoveredIds.TryGetValue(id, out var previous))
        {
            if (_recovered[previous].Sign < 0)
            {
                // A local ID is never a false peel (membership decided its side, and a false peel's sum is a random
                // value), so the symbol that looks pure as it again is mixed: its sum equals the ID because a false
                // remote-only peel left it so, and its checksum bits collide. Leave it; toggling would ban a true ID.
                return;
            }

            // The ID is already recovered and a received symbol holds exactly it again. Either it was a false peel of a
            // mixed symbol (a checksum collision), and its peel then filled every received symbol it maps to with
            // itself, so those already peeled to empty now hold exactly it; or it is a true remote-only ID and a false
            // peel elsewhere left this one mixed symbol equal to it. Only the first leaves two or more such symbols:
            // then XOR it back out of every received symbol it maps to (toggle). With one, wait: more symbols bring
            // more copies of a false peel, and the repair of the other false peel changes this symbol.
            if (CopiesOf(id, checksum, mappings) < 2)
            {
                return;
            }

            _recoveredIds.Remove(id);
            ToggleOut(previous, mappings, checksum);
            return;
        }

        var sign = _local.Contains(id) ? -1 : 1;

        if (sign > 0)
        {
            _remoteOnlyCount++;
        }
        else
        {
            _localOnlyCount++;
        }

        // Peel the ID from every received symbol it maps to; its iterator is parked at the first index not yet received.
        for (var k = 0; k < mappings; k++)
        {
            Apply(_mapping[k], id, checksum);
        }

        if (_recoveredCount == _recovered.Length)
        {
            Array.Resize(ref _recovered, _recovered.Length * 2);
        }

        _recoveredIds.Add(id, _recoveredCount);
        _recovered[_recoveredCount] = new Recovered(id, checksum, state, sign);
        _pending.Enqueue(_recoveredCount, next);
        _recoveredCount++;
    }

    /// <summary>How many of the <paramref name="mappings"/> received symbols in <see cref="_mapping"/> hold exactly <paramref name="id"/>.</summary>
    private int CopiesOf(TransactionId id, uint checksum, int mappings)
    {
        var copies = 0;
        for (var k = 0; k < mappings; k++)
        {
            var index = _mapping[k];
            ref var symbol = ref _difference[index];
            copies += symbol.S0 == id.Word0 && symbol.S1 == id.Word1 && symbol.S2 == id.Word2 && symbol.S3 == id.Word3
                && symbol.Check == (checksum & ChecksumMask(index)) ? 1 : 0;
        }

        return copies;
    }

    private void ToggleOut(int e, int mappings, uint checksum)
    {
        ref var element = ref _recovered[e];
        _toggles++;
        _toggledOut.Add(element.Id);
        if (element.Sign > 0)
        {
            _remoteOnlyCount--;
        }
        else
        {
            _localOnlyCount--;
        }

        element.Sign = 0; // its pending iterator is dropped when it comes up
        for (var k = 0; k < mappings; k++)
        {
            Apply(_mapping[k], element.Id, checksum);
        }
    }

    private void Apply(int index, TransactionId id, uint checksum)
    {
        ref var symbol = ref _difference[index];
        var wasEmpty = symbol.IsEmpty;
        symbol.Toggle(id.Word0, id.Word1, id.Word2, id.Word3, checksum & ChecksumMask(index), 0);
        if (symbol.IsEmpty)
        {
            if (!wasEmpty)
            {
                _nonEmpty--;
            }
        }
        else
        {
            if (wasEmpty)
            {
                _nonEmpty++;
            }

            Enqueue(index);
        }
    }

    private void Enqueue(int index)
    {
        ref var symbol = ref _difference[index];
        if (symbol.Cnt == 0)
        {
            symbol.Cnt = 1;
            _candidates.Push(index);
        }
    }

    /// <summary>
    /// Collects into <see cref="_mapping"/> the received indices an ID with <paramref name="hash"/> maps to and
    /// returns how many, or -1 if they do not include <paramref name="index"/> (so the symbol cannot be pure).
    /// </summary>
    private int MapReceived(ulong hash, int index, out long next, out ulong state)
    {
        state = hash;
        next = 0;
        var count = 0;
        var hit = false;
        do
        {
            if (count == _mapping.Length)
            {
                Array.Resize(ref _mapping, count * 2);
            }

            _mapping[count++] = (int)next;
            hit |= next == index;
            next = SymbolMapping.Next(next, ref state);
        }
        while (next < _received);

        return hit ? count : -1;
    }

    private struct Recovered(TransactionId id, uint checksum, ulong state, int sign)
    {
        public readonly TransactionId Id = id;
        public readonly uint Checksum = checksum;
        public int Sign = sign; // 0 once toggled out
        public ulong State = state;
    }
}
