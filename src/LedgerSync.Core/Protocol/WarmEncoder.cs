using LedgerSync.Ledger;
using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>
/// The responder's encoder of one counterparty's relevant set under one random key, kept warm: it is subscribed to
/// the relevant set, so transactions recorded later are added incrementally instead of re-encoding the set. While a
/// run reads symbols (it holds a <see cref="Pin"/>), additions wait in a queue, so every symbol of a run comes from
/// the same set; they are applied when the next run starts with no other run in progress.
/// </summary>
internal sealed class WarmEncoder : IRelevantSetObserver, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _pendingLock = new();
    private readonly RatelessEncoder _encoder;
    private List<TransactionId> _pending = [];
    private IDisposable? _subscription;
    private int _pins;

    public WarmEncoder(PartyName counterparty, SketchKey key, int capacity)
    {
        Counterparty = counterparty;
        _encoder = new RatelessEncoder(key, WarmPrefixLength(capacity), capacity);
        _encoder.TrackDifferences();
    }

    /// <summary>
    /// The prefix kept up to date from the start: 1/32 of the set (a power of two, 1024 to 65536 symbols), so a
    /// request with up to a few percent of the set missing is served without a pass over the set; longer requests
    /// grow the prefix, and it is trimmed back when the run ends (<see cref="TrimIfIdle"/>).
    /// </summary>
    internal static int WarmPrefixLength(int setSize) =>
        (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, setSize / 32)), RatelessEncoder.DefaultPrefixLength, 1 << 16);

    public PartyName Counterparty { get; }

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
        lock (_gate)
        {
            if (_pins == 0)
            {
                ApplyPending();
            }

            _pins++;
            setSize = _encoder.Count;
        }

        return new Pin(this);
    }

    /// <summary>
    /// Shrinks the prefix back to <see cref="WarmPrefixLength"/> when a long request grew it past
    /// <see cref="TrimFactor"/> times that and no run holds a pin, so a session (honest or not) leaves at most a few
    /// times the warm prefix behind. Moderate growth is kept: the next request of that size is served warm.
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

    private void CopySymbols(long firstIndex, Span<CodedSymbol> destination)
    {
        lock (_gate)
        {
            _encoder.CopySymbols(firstIndex, destination);
        }
    }

    private double EstimateDifferences(ReadOnlySpan<byte> remote, out double lower)
    {
        lock (_gate)
        {
            return _encoder.Estimator!.Estimate(remote, out lower);
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _pins--;
        }
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

        _encoder.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pending));
    }

    /// <summary>A run's hold on the encoder: the set does not change until it is disposed.</summary>
    internal sealed class Pin(WarmEncoder owner) : IDisposable
    {
        private int _disposed;

        public SketchKey Key => owner.Key;

        public void CopySymbols(long firstIndex, Span<CodedSymbol> destination)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            owner.CopySymbols(firstIndex, destination);
        }

        /// <summary>Compares the requester's difference estimator with the frozen set's (see <see cref="DifferenceEstimator.Estimate"/>).</summary>
        public double EstimateDifferences(ReadOnlySpan<byte> remote, out double lower)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return owner.EstimateDifferences(remote, out lower);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
