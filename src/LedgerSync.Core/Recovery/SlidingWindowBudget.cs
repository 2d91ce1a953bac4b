namespace LedgerSync.Recovery;

/// <summary>
/// What one party may still take of a limit per sliding window (requests, or bytes), in fixed memory: the window is
/// tracked in <see cref="BucketCount"/> buckets, and a bucket counts in full until the whole window has passed since
/// its end, so no window of the configured length ever holds more than the limit (it errs towards refusing). Not
/// thread-safe; the caller locks.
/// </summary>
internal sealed class SlidingWindowBudget
{
    /// <summary>The number of buckets a window is divided into.</summary>
    public const int BucketCount = 60;

    // One slot more than the window's buckets: the bucket the window's start falls in still counts.
    private const int SlotCount = BucketCount + 1;

    private readonly long[] _amounts = new long[SlotCount];
    private readonly long[] _bucketNumbers = InitialNumbers();

    /// <summary>The last time anything was taken (to forget idle parties).</summary>
    public DateTimeOffset LastUsed { get; private set; }

    /// <summary>What is left of <paramref name="limit"/> in the window ending at <paramref name="now"/>.</summary>
    public long Remaining(long limit, TimeSpan window, DateTimeOffset now) => Math.Max(limit - Used(window, now), 0);

    /// <summary>Takes <paramref name="amount"/> if it fits in what is left; returns whether it did.</summary>
    public bool TryTake(long amount, long limit, TimeSpan window, DateTimeOffset now)
    {
        if (amount > Remaining(limit, window, now))
        {
            return false;
        }

        var number = BucketNumber(window, now);
        var slot = (int)(number % SlotCount);
        if (_bucketNumbers[slot] != number)
        {
            _bucketNumbers[slot] = number;
            _amounts[slot] = 0;
        }

        _amounts[slot] += amount;
        LastUsed = now;
        return true;
    }

    /// <summary>
    /// How long from <paramref name="now"/> until <paramref name="amount"/> fits (zero if it fits now); an amount larger
    /// than the limit never fits and gets the whole window.
    /// </summary>
    public TimeSpan WaitFor(long amount, long limit, TimeSpan window, DateTimeOffset now)
    {
        var used = Used(window, now);
        if (limit - used >= amount)
        {
            return TimeSpan.Zero;
        }

        if (amount > limit)
        {
            return window;
        }

        // Free the oldest buckets first until enough is left.
        var current = BucketNumber(window, now);
        var width = BucketWidth(window);
        for (var age = BucketCount; age >= 0; age--)
        {
            var number = current - age;
            var slot = (int)(((number % SlotCount) + SlotCount) % SlotCount);
            if (_bucketNumbers[slot] != number || _amounts[slot] == 0)
            {
                continue;
            }

            used -= _amounts[slot];
            if (limit - used >= amount)
            {
                // Bucket `number` stops counting when bucket `number + BucketCount + 1` begins.
                var freedAt = (number + SlotCount) * width.Ticks;
                return TimeSpan.FromTicks(Math.Max(freedAt - now.UtcTicks, 0) + 1);
            }
        }

        return window;
    }

    private long Used(TimeSpan window, DateTimeOffset now)
    {
        var current = BucketNumber(window, now);
        long used = 0;
        for (var slot = 0; slot < SlotCount; slot++)
        {
            if (_bucketNumbers[slot] >= current - BucketCount && _bucketNumbers[slot] <= current)
            {
                used += _amounts[slot];
            }
        }

        return used;
    }

    private static long[] InitialNumbers()
    {
        var numbers = new long[SlotCount];
        Array.Fill(numbers, long.MinValue);
        return numbers;
    }

    private static TimeSpan BucketWidth(TimeSpan window) => TimeSpan.FromTicks(Math.Max(window.Ticks / BucketCount, 1));

    private static long BucketNumber(TimeSpan window, DateTimeOffset now) => now.UtcTicks / BucketWidth(window).Ticks;
}
