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
    public async Task StartFlowAsync_SeedSessionEndToEnd_ReturnsTypedResultsLikeTypedCalls()
    {
        var missing = TransactionId.Random(new Random(1));
        _host.Initiator.Behavior = (_, _) => Task.FromResult(FakeReconciliationInitiator.Found(missing));
        await _host.Scheduler.StartAsync();

        var scheduled = await _host.Flows.StartFlowAsync("flow start ScheduleReconciliationFlow parties: [\"O=PartyB, L=London, C=GB\"]");
        Assert.That(scheduled, Is.TypeOf<ScheduleReconciliationFlowResult>());
        Assert.That(scheduled.ToString(), Is.EqualTo("Flow completed with result: null"));
        await EventuallyAsync(() => _host.HasStateAsync(B, ReconciliationState.DifferencesFound), "run");

        var one = await _host.Flows.StartFlowAsync("GetReconciliationStatusForPartyFlow party: \"O=PartyB, L=London, C=GB\", isRequester: true");
        Assert.That(one, Is.TypeOf<GetReconciliationStatusForPartyFlowResult>());
        var status = ((GetReconciliationStatusForPartyFlowResult)one).Status;
        Assert.That(status, Is.EqualTo(await _host.Flows.GetReconciliationStatusForPartyAsync(B, true)));
        Assert.That(status!.LastSuccessfulReconciliationResult, Is.EqualTo(new[] { missing }));
        Assert.That(one.ToString(), Is.EqualTo("Flow completed with result: " + status.ToIndentedString()));
        Assert.That(one.ToString(), Does.StartWith("Flow completed with result: ReconciliationStatus(").And.Contain(missing.ToString()));

        var list = await _host.Flows.StartFlowAsync("GetReconciliationStatusesFlow lastReconciliationStatus: DIFFERENCES_FOUND, isRequester: true");
        Assert.That(list, Is.TypeOf<GetReconciliationStatusesFlowResult>());
        Assert.That(((GetReconciliationStatusesFlowResult)list).Statuses, Is.EqualTo(new[] { status }));
        Assert.That(list.ToString(), Is.EqualTo("Flow completed with result: [" + status.ToIndentedString() + "]"));

        var none = await _host.Flows.StartFlowAsync("GetReconciliationStatusesFlow isRequester: false");
        Assert.That(((GetReconciliationStatusesFlowResult)none).Statuses, Is.Empty);
        Assert.That(none.ToString(), Is.EqualTo("Flow completed with result: []"));

        var isScheduled = await _host.Flows.StartFlowAsync("IsReconciliationScheduledForPartyFlow party: \"O=PartyB, L=London, C=GB\"");
        Assert.That(isScheduled, Is.TypeOf<IsReconciliationScheduledForPartyFlowResult>().With.Property(nameof(IsReconciliationScheduledForPartyFlowResult.IsScheduled)).False);
        Assert.That(isScheduled.ToString(), Is.EqualTo("Flow completed with result: false"));
        var isResponding = await _host.Flows.StartFlowAsync("IsRespondingToReconciliationForPartyFlow party: \"O=PartyB, L=London, C=GB\"");
        Assert.That(isResponding, Is.TypeOf<IsRespondingToReconciliationForPartyFlowResult>().With.Property(nameof(IsRespondingToReconciliationForPartyFlowResult.IsResponding)).False);
    }

    [Test]
    public async Task StartFlowAsync_ScheduleWithStartAtAndRepeat_QueuesTimedRecurringJobAndReturnsWhatWasQueued()
    {
        var result = await _host.Flows.StartFlowAsync("ScheduleReconciliationFlow parties: [\"O=PartyB, L=London, C=GB\"], startAt: 2026-06-01T02:00:00Z, repeatEvery: 1H 30M");

        var job = (await _host.JobQueries.GetForPartyAsync(B)).Single();
        Assert.That(job.DueAt, Is.EqualTo(new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero)));
        Assert.That(job.RepeatEvery, Is.EqualTo(TimeSpan.FromMinutes(90)));
        Assert.That(result, Is.TypeOf<ScheduleReconciliationFlowResult>());
        var scheduled = (ScheduleReconciliationFlowResult)result;
        Assert.That(scheduled.Parties, Is.EqualTo(new[] { B }));
        Assert.That(scheduled.StartAt, Is.EqualTo(job.DueAt));
        Assert.That(scheduled.RepeatEvery, Is.EqualTo(job.RepeatEvery));
        Assert.That(scheduled.FlowName, Is.EqualTo("ScheduleReconciliationFlow"));
    }

    [Test]
    public async Task StartFlowAsync_StopAndScheduledQueriesByName_ReturnTheTypedBooleans()
    {
        await _host.Flows.ScheduleReconciliationAsync([B], _host.Time.GetUtcNow().AddHours(1));

        var scheduled = await _host.Flows.StartFlowAsync(FlowCommand.Parse("IsReconciliationScheduledForPartyFlow party: \"O=PartyB, L=London, C=GB\""), CancellationToken.None);
        var stopped = await _host.Flows.StartFlowAsync("StopReconciliationForPartyFlow party: \"O=PartyB, L=London, C=GB\"", CancellationToken.None);
        var stoppedAgain = await _host.Flows.StartFlowAsync(FlowCommand.Parse("StopReconciliationForPartyFlow party: \"O=PartyB, L=London, C=GB\""));

        Assert.That(((IsReconciliationScheduledForPartyFlowResult)scheduled).IsScheduled, Is.True);
        Assert.That(scheduled.ToString(), Is.EqualTo("Flow completed with result: true"));
        Assert.That(stopped, Is.TypeOf<StopReconciliationForPartyFlowResult>().With.Property(nameof(StopReconciliationForPartyFlowResult.Stopped)).True);
        Assert.That(stopped.ToString(), Is.EqualTo("Flow completed with result: true"));
        Assert.That(((StopReconciliationForPartyFlowResult)stoppedAgain).Stopped, Is.False);
        Assert.That(stoppedAgain.ToString(), Is.EqualTo("Flow completed with result: false"));
        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(B), Is.False);
    }

    [Test]
    public async Task StartFlowAsync_ArgumentDictionary_AcceptsListSyntax()
    {
        var command = FlowCommand.Parse("ScheduleReconciliationFlow", new Dictionary<string, string> { ["parties"] = "[\"O=PartyB, L=London, C=GB\", \"O=PartyC, L=Ottawa, C=CA\"]" });

        var result = await _host.Flows.StartFlowAsync(command);

        Assert.That(command.Arguments["parties"], Is.EqualTo(new[] { B.ToString(), C.ToString() }));
        Assert.That(((ScheduleReconciliationFlowResult)result).Parties, Is.EqualTo(new[] { B, C }));
        Assert.That(await _host.Flows.IsReconciliationScheduledForPartyAsync(C), Is.True);
    }

    [Test]
    public void FlowCommandParse_ArgumentDictionaryWithScalarValue_TakesTheValueAsItIs()
    {
        var command = FlowCommand.Parse("GetReconciliationStatusForPartyFlow", new Dictionary<string, string> { ["party"] = "O=PartyB, L=London, C=GB", ["isRequester"] = "true" });

        Assert.That(command.FlowName, Is.EqualTo("GetReconciliationStatusForPartyFlow"));
        Assert.That(command.Arguments["party"], Is.EqualTo(new List<string> { "O=PartyB, L=London, C=GB" }));
        Assert.That(command.Arguments["ISREQUESTER"], Is.EqualTo(new List<string> { "true" }));
    }

    [TestCase("[\"O=PartyB, L=London, C=GB\"], other: x")]
    [TestCase("[\"O=PartyB, L=London, C=GB\"")]
    public void FlowCommandParse_ArgumentDictionaryWithMalformedList_ThrowsFlowArgumentException(string value)
    {
        Assert.That(
            () => FlowCommand.Parse("ScheduleReconciliationFlow", new Dictionary<string, string> { ["parties"] = value }),
            Throws.TypeOf<FlowArgumentException>().With.Property(nameof(FlowArgumentException.FlowName)).EqualTo("ScheduleReconciliationFlow"));
    }

    [Test]
    public async Task StartFlowAsync_EveryListedFlow_IsDispatched()
    {
        // Without arguments each flow either runs or refuses (missing parameter, missing plug-in); none falls through.
        foreach (var name in ReconciliationFlows.FlowNamesList)
        {
            Exception? error = null;
            try
            {
                var result = await _host.Flows.StartFlowAsync(name);
                Assert.That(result.FlowName, Is.EqualTo(name));
            }
            catch (Exception e) when (e is FlowArgumentException or InvalidOperationException)
            {
                error = e;
            }

            Assert.That(error?.Message ?? string.Empty, Does.Not.Contain("has no entry"), name);
        }
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

        var result = await _host.Flows.StartFlowAsync("RefreshReconciliationStatusesFlow");

        Assert.That(result, Is.TypeOf<RefreshReconciliationStatusesFlowResult>().With.Property(nameof(RefreshReconciliationStatusesFlowResult.DroppedCount)).EqualTo(3));
        Assert.That(result.ToString(), Is.EqualTo("Flow completed with result: 3"));
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
