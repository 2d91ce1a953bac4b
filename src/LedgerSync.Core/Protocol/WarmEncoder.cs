using System.Runtime.InteropServices;
using LedgerSync.Ledger;
using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>
/// The responder's encoder of one counterparty's relevant set under one random key, kept warm: it holds the sketch of
/// the set's 8-byte short IDs (<see cref="ShortIds"/>) with a warm prefix, the set's difference estimator, and the way
/// back from each short ID to its full ID. It is subscribed to the relevant set, so transactions recorded later are
/// added incrementally instead of re-encoding the set. While a run decodes against it (it holds a <see cref="Pin"/>),
/// additions wait in a queue, so every symbol of a run comes from the same set; they are applied when the next run
/// starts with no other run in progress.
/// </summary>
/// <remarks>
/// Per ID it keeps the encoder's state over the short ID plus the 32-byte full ID. Two IDs of the set that share a
/// short ID (about n²/2^65 for n IDs) would keep only the first: <see cref="HasShortIdCollision"/> then says so, and
/// the responder replaces the encoder with one under a new key before it serves a run.
/// </remarks>
internal sealed class WarmEncoder : IRelevantSetObserver, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _pendingLock = new();
    private readonly RatelessEncoder _encoder;
    private readonly List<TransactionId> _full;
    private List<TransactionId> _pending = [];
    private IDisposable? _subscription;
    private int _pins;

    public WarmEncoder(PartyName counterparty, SketchKey key, int capacity)
    {
        Counterparty = counterparty;
        _encoder = new RatelessEncoder(key, WarmPrefixLength(capacity), capacity);
        _encoder.TrackDifferences();
        _full = new List<TransactionId>(capacity);
    }

    /// <summary>
    /// The prefix kept up to date from the start: 1/32 of the set (a power of two, 1024 to 65536 symbols), so a
    /// request with up to a few percent of the set missing is decoded without a pass over the set; longer requests
    /// grow the prefix, and it is trimmed back when the run ends (<see cref="TrimIfIdle"/>).
    /// </summary>
    internal static int WarmPrefixLength(int setSize) =>
        (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, setSize / 32)), RatelessEncoder.DefaultPrefixLength, 1 << 16);

    public PartyName Counterparty { get; }

    /// <summary>
    /// Whether two IDs of the set share a short ID under this key (about n²/2^65 for n IDs): the encoder then holds
    /// one of them only, so it must not serve a run; the cache replaces it with one under a new key.
    /// </summary>
    public bool HasShortIdCollision { get; private set; }

    public SketchKey Key => _encoder.Key;

    /// <summary>Subscribes to <paramref name="relevantSet"/> and applies its current members.</summary>
    public void Attach(IRelevantSet relevantSet)
    {
        _subscription = relevantSet.Subscribe(this);
        lock (_gate)
        {
            ApplyPending();
        }
    }

    public void OnAdded(TransactionId id)
    {
        lock (_pendingLock)
        {
            _pending.Add(id);
        }
    }

    /// <summary>Freezes the set for one run and returns its size; dispose the pin when the run ends.</summary>
    public Pin Acquire(out long setSize)
    {
        int count;
        lock (_gate)
        {
            if (_pins == 0)
            {
                ApplyPending();
            }

            _pins++;
            count = _encoder.Count;
        }

        setSize = count;
        return new Pin(this, count);
    }

    /// <summary>
    /// Shrinks the prefix back to <see cref="WarmPrefixLength"/> when a long request grew it past
    /// <see cref="TrimFactor"/> times that and no run holds a pin, so a session (honest or not) leaves at most a few
    /// times the warm prefix behind. Moderate growth is kept: the next request of that size is decoded warm.
    /// </summary>
    public void TrimIfIdle()
    {
        lock (_gate)
        {
            var warm = WarmPrefixLength(_encoder.Count);
            if (_pins == 0 && _encoder.PrefixLength > TrimFactor * (long)warm)
            {
                _encoder.TrimPrefixLength(warm);
            }
        }
    }

    /// <summary>A prefix longer than this many times <see cref="WarmPrefixLength"/> is trimmed back after the run.</summary>
    internal const int TrimFactor = 4;

    /// <summary>How many leading symbols the encoder maintains now.</summary>
    internal int PrefixLength
    {
        get
        {
            lock (_gate)
            {
                return _encoder.PrefixLength;
            }
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }

    private void ApplyPending()
    {
        List<TransactionId> pending;
        lock (_pendingLock)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            pending = _pending;
            _pending = [];
        }

        var key = _encoder.Key;
        _full.EnsureCapacity(_full.Count + pending.Count);
        foreach (ref readonly var id in CollectionsMarshal.AsSpan(pending))
        {
            // Slots are consecutive and never freed (nothing is removed), so _full[slot] is the full ID of each short ID.
            if (_encoder.Add(ShortIds.Of(key, id)))
            {
                _full.Add(id);
            }
            else
            {
                HasShortIdCollision = true;
            }
        }
    }

    /// <summary>
    /// A run's hold on the encoder: the set does not change until it is disposed. It is the local side a decoder reads
    /// (symbols and membership of the short IDs), under the encoder's lock.
    /// </summary>
    internal sealed class Pin(WarmEncoder owner, int count) : ILocalSymbols, IDisposable
    {
        private int _disposed;

        public SketchKey Key => owner.Key;

        /// <summary>The size of the frozen set.</summary>
        public int Count => count;

        /// <summary>Always 0: the set does not change while the pin is held.</summary>
        public long Version => 0;

        public void CopySymbols(long firstIndex, Span<CodedSymbol> destination)
        {
            ThrowIfDisposed();
            lock (owner._gate)
            {
                owner._encoder.CopySymbols(firstIndex, destination);
            }
        }

        public bool Contains(TransactionId id)
        {
            ThrowIfDisposed();
            lock (owner._gate)
            {
                return owner._encoder.Contains(id);
            }
        }

        /// <summary>The full ID of a short ID of the frozen set.</summary>
        /// <exception cref="InvalidOperationException">The short ID is not in the set.</exception>
        public TransactionId FullIdOf(TransactionId shortId)
        {
            ThrowIfDisposed();
            lock (owner._gate)
            {
                return owner._encoder.TryGetSlot(shortId, out var slot)
                    ? owner._full[slot]
                    : throw new InvalidOperationException($"{shortId} is not a short ID of this set.");
            }
        }

        /// <summary>Writes the frozen set's difference estimator (<see cref="DifferenceEstimator.EncodedSize"/> bytes).</summary>
        public void WriteEstimator(Span<byte> destination)
        {
            ThrowIfDisposed();
            lock (owner._gate)
            {
                owner._encoder.Estimator!.WriteTo(destination);
            }
        }

        /// <summary>Writes the frozen set's difference estimator in its fine form (<see cref="DifferenceEstimator.FineEncodedSize"/> bytes).</summary>
        public void WriteFineEstimator(Span<byte> destination)
        {
            ThrowIfDisposed();
            lock (owner._gate)
            {
                owner._encoder.Estimator!.WriteFineTo(destination);
            }
        }

        /// <summary>Compares the requester's difference estimator with the frozen set's (see <see cref="DifferenceEstimator.Estimate"/>).</summary>
        public double EstimateDifferences(ReadOnlySpan<byte> remote, out double lower)
        {
            ThrowIfDisposed();
            lock (owner._gate)
            {
                return owner._encoder.Estimator!.Estimate(remote, out lower);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (owner._gate)
                {
                    owner._pins--;
                }
            }
        }

        private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
    }
}
