using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace LedgerSync.Testing;

/// <summary>
/// The official <see cref="FakeTimeProvider"/>, also reporting when a timer with a given due time is created: "the
/// component is now waiting on the clock" becomes an event a test can await, instead of a real sleep followed by an
/// assertion that nothing happened yet.
/// </summary>
public sealed class TimerObservingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentQueue<(TimeSpan DueTime, TaskCompletionSource Armed)> _waiters = new();

    /// <summary>Completes when a timer with <paramref name="dueTime"/> is created after this call; fails after <paramref name="timeout"/> of real time.</summary>
    public Task NextTimerAsync(TimeSpan dueTime, TimeSpan timeout)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue((dueTime, armed));
        return armed.Task.WaitAsync(timeout);
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        foreach (var waiter in _waiters)
        {
            if (waiter.DueTime == dueTime)
            {
                waiter.Armed.TrySetResult();
            }
        }

        return timer;
    }
}
