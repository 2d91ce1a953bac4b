namespace LedgerSync.Scheduling;

/// <summary>The delays between retries of a busy peer: exponential growth from the initial delay, capped, with "equal" jitter.</summary>
internal static class RetryBackoff
{
    /// <summary>
    /// The delay before retry number <paramref name="attempt"/> + 1: with d = min(initial * 2^attempt, max), a value
    /// drawn uniformly from [d/2, d], so that many requesters refused at once spread out.
    /// </summary>
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max, Random random)
    {
        var grown = initial.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 40));
        var capped = Math.Min(grown, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (random.NextDouble() * capped / 2));
    }
}
