using LedgerSync.Scheduling;
using LedgerSync.Testing.Scheduling;
using LedgerSync.Transport;
using Microsoft.Extensions.Options;
using NSubstitute;
using static LedgerSync.Testing.Scheduling.TestParties;

namespace LedgerSync.Tests.Scheduling;

/// <summary>Transient failures (busy, unreachable) are retried with one back-off until the retry timeout; unreachable parties are refused up front.</summary>
public sealed class ReconciliationSchedulerTransientTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    [Test]
    public async Task ExecuteAsync_PeerUnreachableTwiceThenBack_RetriedWithBackoffUntilItSucceeds()
    {
        await using var host = new SchedulerTestHost();
        var failures = 0;
        host.Initiator.Behavior = (r, _) => Interlocked.Increment(ref failures) <= 2
            ? throw new PeerUnreachableException(r.Counterparty, $"{r.Counterparty} refused the connection (127.0.0.1:1)")
            : Task.FromResult(FakeReconciliationInitiator.NoDifferences);
        await host.Scheduler.StartAsync();
        await host.Flows.ScheduleReconciliationAsync([B]);

        await host.Time.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(1), () => host.HasStateAsync(B, ReconciliationState.DifferencesNotFound), "succeeded after two retries");

        Assert.That(host.Initiator.Calls, Has.Count.EqualTo(3));
        Assert.That(host.Initiator.Calls.Select(c => c.RunId).Distinct().Count(), Is.EqualTo(1), "retries keep the run ID");
    }

    [Test]
    public async Task ExecuteAsync_PeerStaysBusyPastTimeout_ErrorIsOneLineStartingWithTheCauseName()
    {
        await using var host = new SchedulerTestHost(configure: o => o.MaxReconciliationRetryAttemptTimeout = TimeSpan.FromSeconds(20));
        host.Initiator.Behavior = (r, _) => throw new MaxIncomingSessionsExceededException(r.Counterparty);
        await host.Scheduler.StartAsync();
        await host.Flows.ScheduleReconciliationAsync([B]);

        await host.Time.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(2), () => host.HasStateAsync(B, ReconciliationState.Failed), "gave up");

        var error = (await host.StatusAsync(B))!.LastReconciliationError!;
        Assert.That(error, Does.StartWith("MaxIncomingSessionsExceededException: " + B));
        Assert.That(error, Does.Contain($"Gave up after {host.Initiator.Calls.Count} attempt(s) over ").And.EndsWith("(maxReconciliationRetryAttemptTimeout = 20S)."));
        Assert.That(error, Does.Not.Contain("\n").And.Not.Contain("will be retried"));
    }

    [Test]
    public async Task ExecuteAsync_PeerUnreachablePastTimeout_ErrorStartsWithTheConnectionError()
    {
        await using var host = new SchedulerTestHost(configure: o => o.MaxReconciliationRetryAttemptTimeout = TimeSpan.FromSeconds(10));
        host.Initiator.Behavior = (r, _) => throw new PeerUnreachableException(r.Counterparty, $"{r.Counterparty} is not reachable: connection refused");
        await host.Scheduler.StartAsync();
        await host.Flows.ScheduleReconciliationAsync([B]);

        await host.Time.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(2), () => host.HasStateAsync(B, ReconciliationState.Failed), "gave up");

        var error = (await host.StatusAsync(B))!.LastReconciliationError!;
        Assert.That(error, Does.StartWith($"PeerUnreachableException: {B} is not reachable: connection refused. Gave up after "));
        Assert.That(host.Initiator.Calls, Has.Count.GreaterThan(1), "retried before giving up");
    }

    [Test]
    public async Task ScheduleAsync_PartyTheTransportCannotReach_RefusedAtOnceWithPeerUnreachable()
    {
        var transport = Substitute.For<IPeerTransport>();
        transport.CanReach(Arg.Any<PartyName>()).Returns(call => call.Arg<PartyName>() != C);
        await using var host = new SchedulerTestHost(transport: transport);

        Assert.That(
            async () => await host.Flows.ScheduleReconciliationAsync([B, C]),
            Throws.TypeOf<PeerUnreachableException>().With.Property(nameof(PeerUnreachableException.Party)).EqualTo(C).And.Message.Contain("no address"));
        Assert.That(await host.JobQueries.GetAllAsync(), Is.Empty, "nothing of the refused request is queued");
    }

    [Test]
    public async Task CanReach_InMemoryNetwork_OnlyRegisteredParties()
    {
        await using var network = new InMemoryNetwork(TimeProvider.System);
        network.Register(B, Substitute.For<IInboundSessionHandler>());
        var transport = network.CreateTransport(Local);

        Assert.That(transport.CanReach(B), Is.True);
        Assert.That(transport.CanReach(C), Is.False);
    }

    [Test]
    public void CanReach_DefaultInterfaceMember_True()
    {
        IPeerTransport transport = new OpenOnlyTransport();

        Assert.That(transport.CanReach(C), Is.True);
    }

    [Test]
    public void IsTransient_Exceptions_OnlyBusyAndUnreachable()
    {
        Assert.That(new LedgerSyncException("x").IsTransient, Is.False);
        Assert.That(new LedgerSyncProtocolException("x").IsTransient, Is.False);
        Assert.That(new MaxIncomingSessionsExceededException(B).IsTransient, Is.True);
        Assert.That(new PeerUnreachableException(B, "down").IsTransient, Is.True);
    }

    [Test]
    public void Decide_RandomAttemptsAndTimes_DelayWithinJitterBoundsAndNeverPastTimeout()
    {
        var options = new LedgerSyncOptions
        {
            RetryInitialDelay = TimeSpan.FromMilliseconds(500),
            RetryMaxDelay = TimeSpan.FromSeconds(30),
            MaxReconciliationRetryAttemptTimeout = TimeSpan.FromMinutes(5),
        };
        var policy = new ReconciliationRetryPolicy(Options.Create(options), new Random(1234));
        var random = new Random(99);
        var first = SchedulerTestHost.Epoch;
        for (var i = 0; i < 2_000; i++)
        {
            var attempt = random.Next(0, 30);
            var elapsed = TimeSpan.FromMilliseconds(random.Next(0, 6 * 60_000));
            var job = new ReconciliationJob
            {
                JobId = Guid.NewGuid(), Party = B, IsRequester = true, RunId = Guid.NewGuid(), State = ReconciliationJobState.Running,
                DueAt = first, CreatedAt = first, Attempt = attempt, FirstAttemptAt = attempt == 0 ? null : first,
            };

            var decision = policy.Decide(job, first, first + elapsed, new MaxIncomingSessionsExceededException(B));

            if (elapsed >= options.MaxReconciliationRetryAttemptTimeout)
            {
                Assert.That(decision.Retry, Is.False, $"case {i}");
                Assert.That(decision.Reason, Does.StartWith(nameof(MaxIncomingSessionsExceededException) + ": "), $"case {i}");
                continue;
            }

            var d = Math.Min(options.RetryInitialDelay.TotalMilliseconds * Math.Pow(2, attempt), options.RetryMaxDelay.TotalMilliseconds);
            var remaining = (options.MaxReconciliationRetryAttemptTimeout - elapsed).TotalMilliseconds;
            Assert.That(decision.Retry, Is.True, $"case {i}");
            Assert.That(decision.Delay.TotalMilliseconds, Is.InRange(Math.Min(d / 2, remaining) - 0.001, Math.Min(d, remaining) + 0.001), $"case {i}: attempt {attempt}, elapsed {elapsed}");
            Assert.That(decision.FirstAttemptAt, Is.EqualTo(first), $"case {i}");
        }
    }

    private sealed class OpenOnlyTransport : IPeerTransport
    {
        public ValueTask<IPeerSession> OpenSessionAsync(PartyName counterparty, CancellationToken cancellationToken = default) =>
            throw new PeerUnreachableException(counterparty, "not used");
    }
}
