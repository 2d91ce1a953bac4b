using LedgerSync.Testing;
using LedgerSync.Testing.Scheduling;

namespace LedgerSync.Tests.Scheduling;

public sealed class ReconciliationSchedulerIdleTests
{
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task StartAsync_NothingQueued_DispatcherWaitsOnePollIntervalPerClaim()
    {
        // Regression: returning the dispatcher's own slot when no job was due used to wake the dispatcher again, so an
        // idle scheduler spun on a core and starved everything else in the process. A waiting dispatcher arms a timer
        // for its poll interval after each empty claim, and claims again only when the clock reaches it.
        var time = new TimerObservingTimeProvider(SchedulerTestHost.Epoch);
        var jobs = new ClaimObservingJobStore();
        await using var host = new SchedulerTestHost(jobStore: jobs, time: time);
        var poll = host.Scheduler.Dispatcher.PollInterval;

        var firstWait = time.NextTimerAsync(poll, RealTimeout);
        await host.Scheduler.StartAsync();
        await firstWait;
        var claimsWhileWaiting = jobs.Claims;
        Assert.That(claimsWhileWaiting, Is.EqualTo(1), "one claim, then a wait for the poll interval");

        for (var i = 1; i <= 3; i++)
        {
            var nextWait = time.NextTimerAsync(poll, RealTimeout);
            time.Advance(poll);
            await nextWait;
            Assert.That(jobs.Claims, Is.EqualTo(claimsWhileWaiting + i), $"one claim per poll interval (interval {i})");
        }
    }
}
