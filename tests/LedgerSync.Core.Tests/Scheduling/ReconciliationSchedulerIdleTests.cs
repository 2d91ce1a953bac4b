using LedgerSync.Scheduling;
using LedgerSync.Testing.Scheduling;
using NSubstitute;

namespace LedgerSync.Tests.Scheduling;

public sealed class ReconciliationSchedulerIdleTests
{
    [Test]
    public async Task StartAsync_NothingQueued_DispatcherWaitsInsteadOfPolling()
    {
        // Regression: returning the dispatcher's own slot when no job was due used to wake the dispatcher again, so an
        // idle scheduler spun on a core and starved everything else in the process.
        var jobStore = Substitute.For<IReconciliationJobStore, IReconciliationJobQueries>();
        jobStore.TryClaimNextAsync(default, default, default).ReturnsForAnyArgs((IReconciliationJobClaim?)null);
        jobStore.GetNextDueAsync(default).ReturnsForAnyArgs((DateTimeOffset?)null);
        jobStore.RecoverExpiredAsync(default, default).ReturnsForAnyArgs([]);
        await using var host = new SchedulerTestHost(jobStore: jobStore);

        await host.Scheduler.StartAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the fake clock does not move: a waiting dispatcher stays put

        var claims = jobStore.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(IReconciliationJobStore.TryClaimNextAsync));
        Assert.That(claims, Is.InRange(1, 3));
    }
}
