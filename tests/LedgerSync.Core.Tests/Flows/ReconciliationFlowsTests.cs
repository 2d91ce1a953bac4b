using LedgerSync.Flows;
using LedgerSync.Testing.Scheduling;
using static LedgerSync.Testing.Scheduling.TestParties;

namespace LedgerSync.Tests.Flows;

[TestFixture]
public sealed class ReconciliationFlowsTests
{
    private SchedulerTestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = new SchedulerTestHost();

    [TearDown]
    public async Task TearDown() => await _host.DisposeAsync();

    [Test]
    public async Task StartFlowAsync_SeedSessionEndToEnd_BehavesLikeTypedCalls()
    {
        var missing = TransactionId.Random(new Random(1));
        _host.Initiator.Behavior = (_, _) => Task.FromResult(FakeReconciliationInitiator.Found(missing));
        await _host.Scheduler.StartAsync();

        Assert.That(await _host.Flows.StartFlowAsync("flow start ScheduleReconciliationFlow parties: [\"O=PartyB, L=London, C=GB\"]"), Is.Null);
        await EventuallyAsync(() => _host.HasStateAsync(B, ReconciliationState.DifferencesFound), "run");

        var status = await _host.Flows.StartFlowAsync("GetReconciliationStatusForPartyFlow party: \"O=PartyB, L=London, C=GB\", isRequester: true");
        Assert.That(status, Is.TypeOf<ReconciliationStatus>().With.Property(nameof(ReconciliationStatus.LastSuccessfulReconciliationResult)).EqualTo(new[] { missing }));
        var list = await _host.Flows.StartFlowAsync("GetReconciliationStatusesFlow lastReconciliationStatus: DIFFERENCES_FOUND, isRequester: true");
        Assert.That(list, Is.InstanceOf<IReadOnlyList<ReconciliationStatus>>());
        Assert.That((IReadOnlyList<ReconciliationStatus>)list!, Has.Count.EqualTo(1));
        Assert.That(await _host.Flows.StartFlowAsync("GetReconciliationStatusesFlow isRequester: false"), Is.Empty);
        Assert.That(await _host.Flows.StartFlowAsync("IsReconciliationScheduledForPartyFlow party: \"O=PartyB, L=London, C=GB\""), Is.False);
        Assert.That(await _host.Flows.StartFlowAsync("IsRespondingToReconciliationForPartyFlow party: \"O=PartyB, L=London, C=GB\""), Is.False);
        Assert.That(ReconciliationFlows.FormatResult(status), Does.StartWith("Flow completed with result: ReconciliationStatus(").And.Contain(missing.ToString()));
    }

    [Test]
    public async Task StartFlowAsync_ScheduleWithStartAtAndRepeat_QueuesTimedRecurringJob()
    {
        await _host.Flows.StartFlowAsync("ScheduleReconciliationFlow parties: [\"O=PartyB, L=London, C=GB\"], startAt: 2026-06-01T02:00:00Z, repeatEvery: 1H 30M");

        var job = (await _host.JobQueries.GetForPartyAsync(B)).Single();
        Assert.That(job.DueAt, Is.EqualTo(new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero)));
        Assert.That(job.RepeatEvery, Is.EqualTo(TimeSpan.FromMinutes(90)));
    }

    [Test]
    public async Task StartFlowAsync_ArgumentDictionary_AcceptsListSyntax()
    {
        await _host.Flows.StartFlowAsync("ScheduleReconciliationFlow", new Dictionary<string, string> { ["parties"] = "[\"O=PartyB, L=London, C=GB\", \"O=PartyC, L=Ottawa, C=CA\"]" });

        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(C), Is.True);
    }

    [TestCase("NoSuchFlow", null, "is not a LedgerSync flow")]
    [TestCase("GetReconciliationStatusesFlow isRequester: maybe", "isRequester", "true or false")]
    [TestCase("GetReconciliationStatusesFlow lastReconciliationStatus: DONE, isRequester: true", "lastReconciliationStatus", "DIFFERENCES_NOT_FOUND")]
    [TestCase("GetReconciliationStatusesFlow party: \"O=PartyB\", isRequester: true", "party", "'L' attribute is required")]
    [TestCase("GetReconciliationStatusForPartyFlow party: \"O=PartyB, L=London, C=GB\"", "isRequester", "is required")]
    [TestCase("StopReconciliationForPartyFlow party: \"O=PartyB, L=London, C=GB\", force: true", "force", "its parameters are party")]
    [TestCase("RefreshReconciliationStatusesFlow party: \"O=PartyB, L=London, C=GB\"", "party", "takes no parameters")]
    [TestCase("ScheduleReconciliationFlow parties: []", "parties", "at least one party")]
    [TestCase("ScheduleReconciliationFlow parties: [\"O=PartyB, L=London, C=GB\"], repeatEvery: 90", "repeatEvery", "duration")]
    [TestCase("ScheduleReconciliationFlow parties: [\"O=PartyB, L=London, C=GB\"], startAt: tomorrow", "startAt", "ISO-8601")]
    [TestCase("IsReconciliationScheduledForPartyFlow party: [\"O=PartyB, L=London, C=GB\", \"O=PartyC, L=Ottawa, C=CA\"]", "party", "not a list")]
    public void StartFlowAsync_BadArguments_ThrowNamingFlowParameterAndAcceptedValues(string command, string? parameter, string expected)
    {
        var e = Assert.ThrowsAsync<FlowArgumentException>(async () => await _host.Flows.StartFlowAsync(command));

        Assert.That(e!.Parameter, Is.EqualTo(parameter));
        Assert.That(e.Message, Does.Contain(expected));
        Assert.That(e.Message, Does.Contain(command.Split(' ')[0]));
        Assert.That(e.AcceptedValues, expected == "takes no parameters" ? Is.Empty : Is.Not.Empty);
    }

    [Test]
    public async Task RefreshReconciliationStatusesAsync_RecoveredTransactions_DropsThemAndSaysNotFoundWhenNoneRemain()
    {
        var random = new Random(7);
        var missingB = new[] { TransactionId.Random(random), TransactionId.Random(random) };
        var missingC = new[] { TransactionId.Random(random), TransactionId.Random(random) };
        await Finish(B, missingB);
        await Finish(C, missingC);
        _host.Graph.Add(missingB[0]);
        _host.Graph.Add(missingB[1]);
        _host.Graph.Add(missingC[0]);

        var removed = await _host.StartFlowAndGetAsync("RefreshReconciliationStatusesFlow");

        Assert.That(removed, Is.EqualTo(3));
        var b = (await _host.StatusAsync(B))!;
        Assert.That(b.LastSuccessfulReconciliationResult, Is.Empty);
        Assert.That(b.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
        Assert.That(b.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
        var c = (await _host.StatusAsync(C))!;
        Assert.That(c.LastSuccessfulReconciliationResult, Is.EqualTo(new[] { missingC[1] }));
        Assert.That(c.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
    }

    [Test]
    public void RefreshReconciliationStatusesAsync_GraphInitializing_ThrowsNotReady()
    {
        _host.Graph.IsInitialized = false;

        Assert.That(async () => await _host.Flows.RefreshReconciliationStatusesAsync(), Throws.TypeOf<LedgerGraphNotReadyException>());
    }

    private async Task Finish(PartyName party, TransactionId[] missing)
    {
        var run = Guid.NewGuid();
        var recorder = new LedgerSync.Status.ReconciliationStatusRecorder(_host.StatusStore);
        await recorder.RecordStartedAsync(party, true, run, _host.Time.GetUtcNow());
        await recorder.RecordFinishedAsync(new(party, true, run, ReconciliationState.DifferencesFound, _host.Time.GetUtcNow(), missing));
    }
}

internal static class FlowTestExtensions
{
    public static Task<object?> StartFlowAndGetAsync(this SchedulerTestHost host, string command) => host.Flows.StartFlowAsync(command);
}
