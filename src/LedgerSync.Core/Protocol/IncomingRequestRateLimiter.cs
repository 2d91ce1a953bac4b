using Microsoft.Extensions.Options;

namespace LedgerSync.Protocol;

/// <summary>
/// Counts the incoming requests each party makes in the sliding window
/// <see cref="LedgerSyncOptions.TimeWindowForReconciliationRequestLimit"/> and refuses those beyond
/// <see cref="LedgerSyncOptions.MaxAllowedReconciliationRequestsPerTimeWindow"/>. Memory per party is fixed
/// (<see cref="BucketCount"/> + 1 counters, whatever the limit), and parties silent for a whole window are forgotten.
/// The window is tracked in buckets of 1/<see cref="BucketCount"/> of its length, erring towards refusing: no window
/// of the configured length ever holds more admitted requests than the limit. Not preserved over restarts.
/// </summary>
internal sealed class IncomingRequestRateLimiter(IOptionsMonitor<LedgerSyncOptions> options, TimeProvider timeProvider)
{
    /// <summary>The number of buckets a window is divided into.</summary>
    internal const int BucketCount = 16;

    private const int SweepThreshold = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<PartyName, PartyWindow> _parties = [];

    /// <summary>The number of parties currently tracked (for tests of bounded memory).</summary>
    internal int TrackedParties
    {
        get
        {
            lock (_lock)
            {
                return _parties.Count;
            }
        }
    }

    /// <summary>Counts one request from <paramref name="party"/> if the limit allows it; returns whether it does.</summary>
    public bool TryAcquire(PartyName party, out int limit, out TimeSpan window)
    {
        var current = options.CurrentValue;
        limit = current.MaxAllowedReconciliationRequestsPerTimeWindow;
        window = current.TimeWindowForReconciliationRequestLimit;
        if (limit <= 0)
        {
            return false;
        }

        if (window <= TimeSpan.Zero)
        {
            return true; // an empty window never holds an earlier request
        }

        var bucketTicks = Math.Max(1, window.Ticks / BucketCount);
        var now = timeProvider.GetUtcNow().UtcTicks / bucketTicks;
        lock (_lock)
        {
            if (_parties.Count >= SweepThreshold)
            {
                Sweep(now);
            }

            if (!_parties.TryGetValue(party, out var state) || state.BucketTicks != bucketTicks)
            {
                state = new PartyWindow(bucketTicks);
                _parties[party] = state;
            }

            if (state.Count(now) >= limit)
            {
                return false;
            }

            state.Add(now, 1);
            return true;
        }
    }

    /// <summary>Gives back a request counted by <see cref="TryAcquire"/> that was not served after all (the pool was full).</summary>
    public void Refund(PartyName party)
    {
        var window = options.CurrentValue.TimeWindowForReconciliationRequestLimit;
        if (window <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            if (_parties.TryGetValue(party, out var state))
            {
                state.Add(timeProvider.GetUtcNow().UtcTicks / state.BucketTicks, -1);
            }
        }
    }

    private void Sweep(long now)
    {
        List<PartyName>? stale = null;
        foreach (var (party, state) in _parties)
        {
            if (state.Count(now) == 0)
            {
                (stale ??= []).Add(party);
            }
        }

        if (stale is not null)
        {
            foreach (var party in stale)
            {
                _parties.Remove(party);
            }
        }
    }

    /// <summary>BucketCount + 1 counters over the buckets [now - BucketCount, now], which cover at least one whole window.</summary>
    private sealed class PartyWindow(long bucketTicks)
    {
        private readonly long[] _bucket = new long[BucketCount + 1];
        private readonly long[] _count = new long[BucketCount + 1];

        public long BucketTicks { get; } = bucketTicks;

        public long Count(long now)
        {
            long total = 0;
            for (var i = 0; i < _bucket.Length; i++)
            {
                if (_count[i] != 0 && _bucket[i] > now - _bucket.Length && _bucket[i] <= now)
                {
                    total += _count[i];
                }
            }

            return total;
        }

        public void Add(long now, int delta)
        {
            var slot = (int)(now % _bucket.Length);
            if (_bucket[slot] != now)
            {
                _bucket[slot] = now;
                _count[slot] = 0;
            }

            _count[slot] = Math.Max(0, _count[slot] + delta);
        }
    }
}
