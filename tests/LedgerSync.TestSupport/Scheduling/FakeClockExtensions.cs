namespace LedgerSync.Testing.Scheduling;

/// <summary>Moving a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> while background loops (dispatcher, lease keeper) react to it.</summary>
public static class FakeClockExtensions
{
    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> at a time, letting background work run between steps,
    /// until <paramref name="condition"/> holds or <paramref name="limit"/> of fake time has passed. Robust against a
    /// timer that is armed only after a first advance.
    /// </summary>
    public static async Task AdvanceUntilAsync(this Microsoft.Extensions.Time.Testing.FakeTimeProvider time, TimeSpan step, TimeSpan limit, Func<Task<bool>> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(condition);
        var moved = TimeSpan.Zero;
        var realDeadline = Environment.TickCount64 + 60_000;
        while (!await condition().ConfigureAwait(false))
        {
            if (moved >= limit || Environment.TickCount64 > realDeadline)
            {
                throw new TimeoutException($"Timed out after {moved} of fake time waiting for: {what}");
            }

            await Task.Delay(10).ConfigureAwait(false);
            time.Advance(step);
            moved += step;
        }
    }
}
