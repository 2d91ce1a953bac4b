using LedgerSync.Status;
using NUnit.Framework;
using ManualClock = Microsoft.Extensions.Time.Testing.FakeTimeProvider;

namespace LedgerSync.Testing.Status;

/// <summary>
/// What every <see cref="IStatusStore"/> must do, run against each implementation by deriving from this fixture
/// (in-memory, SQLite, PostgreSQL): the row store itself (get, atomic update through a function of the old row, the
/// query object, counts, the paged read of results) and the SPEC §7 rules of <see cref="ReconciliationStatusRecorder"/>
/// applied over it (start, end, stop, interrupted by restart, refresh).
/// </summary>
public abstract class StatusStoreContractTests
{
    protected static readonly PartyName B = PartyName.Parse("O=PartyB, L=London, C=GB");
    protected static readonly PartyName C = PartyName.Parse("O=PartyC, L=Ottawa, C=CA");
    protected static readonly PartyName D = PartyName.Parse("O=PartyD, L=Paris, C=FR");

    protected IStatusStore Store { get; private set; } = null!;

    internal ReconciliationStatusRecorder Recorder { get; private set; } = null!;

    protected ManualClock Time { get; private set; } = null!;

    /// <summary>The start of every test's clock (whole milliseconds, as the stores keep times).</summary>
    protected static DateTimeOffset T0 { get; } = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Creates an empty store (called before every test).</summary>
    protected abstract Task<IStatusStore> CreateStoreAsync(TimeProvider time);

    [SetUp]
    public async Task CreateStore()
    {
        Time = new ManualClock(T0);
        Store = await CreateStoreAsync(Time);
        Recorder = new ReconciliationStatusRecorder(Store);
    }

    // --- the row store ------------------------------------------------------------------------------------------------

    [Test]
    public async Task GetAsync_NothingWritten_ReturnsNull()
    {
        Assert.That(await Store.GetAsync(B, isRequester: true), Is.Null);
    }

    [Test]
    public async Task UpdateAsync_NoRow_FunctionSeesNullAndItsRowIsStored()
    {
        ReconciliationStatus? seen = Row(B, true);
        var row = Row(B, true) with { LastReconciliationStatus = ReconciliationState.Failed, LastReconciliationError = "boom" };

        var stored = await Store.UpdateAsync(B, true, current =>
        {
            seen = current;
            return row;
        });

        Assert.That(seen, Is.Null);
        Assert.That(stored, Is.EqualTo(row));
        Assert.That(await Store.GetAsync(B, true), Is.EqualTo(row));
        Assert.That(await Store.GetAsync(B, false), Is.Null, "the other role has its own row");
    }

    [Test]
    public async Task UpdateAsync_FunctionReturnsNull_WritesNothingAndReturnsCurrentRow()
    {
        var row = Row(B, true) with { LastReconciliationStatus = ReconciliationState.Stopped };
        await Store.UpdateAsync(B, true, _ => row);

        var stored = await Store.UpdateAsync(B, true, _ => null);

        Assert.That(stored, Is.EqualTo(row));
        Assert.That(await Store.GetAsync(B, true), Is.EqualTo(row));
    }

    [Test]
    public async Task UpdateAsync_FunctionThrows_LeavesPreviousRowAndPropagates()
    {
        var before = await FinishAsync(B, true, ReconciliationState.DifferencesFound, RandomIds(3, seed: 1));

        Assert.That(
            async () => await Store.UpdateAsync(B, true, current => throw new InvalidOperationException("rule failed")),
            Throws.InvalidOperationException.With.Message.EqualTo("rule failed"));

        Assert.That(await Store.GetAsync(B, true), Is.EqualTo(before));
    }

    [Test]
    public async Task UpdateAsync_RowForAnotherPartyOrRole_ThrowsAndLeavesRows()
    {
        var before = await FinishAsync(B, true, ReconciliationState.DifferencesNotFound, []);

        Assert.That(async () => await Store.UpdateAsync(B, true, _ => Row(C, true)), Throws.ArgumentException);
        Assert.That(async () => await Store.UpdateAsync(B, true, _ => Row(B, false)), Throws.ArgumentException);

        Assert.That(await Store.GetAsync(B, true), Is.EqualTo(before));
        Assert.That(await Store.GetAsync(C, true), Is.Null);
        Assert.That(await Store.GetAsync(B, false), Is.Null);
    }

    [Test]
    public async Task UpdateAsync_CancelledBeforehand_ThrowsAndWritesNothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.That(async () => await Store.UpdateAsync(B, true, _ => Row(B, true), cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await Store.GetAsync(B, true), Is.Null);
    }

    [Test]
    public async Task UpdateAsync_ConcurrentUpdatesOfOneRow_LoseNone()
    {
        // Each update appends one ID to the row it is given: a lost update would drop an ID.
        var ids = RandomIds(24, seed: 2);
        await Task.WhenAll(ids.Select(id => Task.Run(() => Store.UpdateAsync(B, true, current =>
            (current ?? Row(B, true)) with { LastSuccessfulReconciliationResult = [.. (current?.LastSuccessfulReconciliationResult ?? []).Append(id)] }))));

        var row = await Store.GetAsync(B, true);
        Assert.That(row!.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids));
    }

    [Test]
    public async Task UpdateAsync_ConcurrentStartsAndEndsOfManyParties_EveryRowEndsConsistent()
    {
        var parties = Enumerable.Range(0, 12).Select(i => PartyName.Parse($"O=Party{i:D2}, L=London, C=GB")).ToList();

        await Task.WhenAll(parties.Select(party => Task.Run(async () =>
        {
            var run = Guid.NewGuid();
            await Recorder.RecordStartedAsync(party, true, run, T0);
            await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(party, true, run, ReconciliationState.DifferencesNotFound, T0.AddSeconds(1)));
        })));

        var rows = await Store.QueryAsync(new StatusQuery { IsRequester = true });
        Assert.That(rows.Select(r => r.PartyName), Is.EquivalentTo(parties));
        Assert.That(rows.Select(r => (r.LastReconciliationStatus, r.LastReconciliationTimeStarted, r.LastSuccessfulReconciliationStatus)),
            Is.All.EqualTo(((ReconciliationState?)ReconciliationState.DifferencesNotFound, (DateTimeOffset?)T0, (ReconciliationState?)ReconciliationState.DifferencesNotFound)));
    }

    [Test]
    public async Task UpdateAsync_RandomRows_RoundTripEveryField()
    {
        var random = new Random(3);
        var states = Enum.GetValues<ReconciliationState>();
        for (var i = 0; i < 25; i++)
        {
            var party = PartyName.Parse($"O=Random{random.Next(5)}, L=London, C=GB");
            var isRequester = random.Next(2) == 0;
            var row = new ReconciliationStatus
            {
                PartyName = party,
                IsRequester = isRequester,
                StateMachineRunId = random.Next(4) == 0 ? null : Guid.NewGuid(),
                LastSuccessfulReconciliationTimeStarted = MaybeTime(random),
                LastSuccessfulReconciliationTimeFinished = MaybeTime(random),
                LastSuccessfulReconciliationStatus = random.Next(3) == 0 ? null : states[random.Next(states.Length)],
                LastSuccessfulReconciliationResult = [.. RandomIds(random.Next(0, 200), seed: 1000 + i).Order()],
                LastReconciliationTimeStarted = MaybeTime(random),
                LastReconciliationTimeFinished = MaybeTime(random),
                LastReconciliationStatus = random.Next(5) == 0 ? null : states[random.Next(states.Length)],
                LastReconciliationError = random.Next(2) == 0 ? null : $"error {i}: ünïcödé, 'quotes', \"double\", commas, ;",
            };

            await Store.UpdateAsync(party, isRequester, _ => row);

            Assert.That(await Store.GetAsync(party, isRequester), Is.EqualTo(row), $"round {i}");
        }
    }

    [Test]
    public async Task QueryAsync_Criteria_MatchEveryCriterionOrderedByParty()
    {
        await FinishAsync(C, true, ReconciliationState.DifferencesNotFound, []);
        await FinishAsync(B, true, ReconciliationState.DifferencesFound, RandomIds(1, seed: 3));
        await FinishAsync(D, true, ReconciliationState.Failed, []);
        await FinishAsync(B, false, ReconciliationState.DifferencesNotFound, []);

        Assert.That((await Store.QueryAsync(new StatusQuery { IsRequester = true })).Select(s => s.PartyName), Is.EqualTo(new[] { B, C, D }));
        Assert.That((await Store.QueryAsync(new StatusQuery { IsRequester = false })).Select(s => s.PartyName), Is.EqualTo(new[] { B }));
        Assert.That((await Store.QueryAsync(new StatusQuery { IsRequester = true, Party = B })).Single().LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That((await Store.QueryAsync(new StatusQuery { IsRequester = true, LastReconciliationStatus = ReconciliationState.DifferencesNotFound })).Single().PartyName, Is.EqualTo(C));
        Assert.That(await Store.QueryAsync(new StatusQuery { IsRequester = true, Party = C, LastReconciliationStatus = ReconciliationState.DifferencesFound }), Is.Empty);
        Assert.That(await Store.QueryAsync(new StatusQuery { IsRequester = false, LastReconciliationStatus = ReconciliationState.Failed }), Is.Empty);
    }

    [Test]
    public async Task CountByLastStateAsync_Rows_CountsLatestStatesInOneRole()
    {
        await FinishAsync(B, true, ReconciliationState.Failed, []);
        await FinishAsync(C, true, ReconciliationState.Failed, []);
        await FinishAsync(D, true, ReconciliationState.DifferencesFound, RandomIds(2, seed: 4));
        await FinishAsync(B, false, ReconciliationState.DifferencesNotFound, []);
        await Recorder.RecordStartedAsync(D, false, Guid.NewGuid(), T0);

        var requester = await Store.CountByLastStateAsync(isRequester: true);
        var responder = await Store.CountByLastStateAsync(isRequester: false);

        Assert.That(requester, Is.EquivalentTo(new Dictionary<ReconciliationState, int> { [ReconciliationState.Failed] = 2, [ReconciliationState.DifferencesFound] = 1 }));
        Assert.That(responder, Is.EquivalentTo(new Dictionary<ReconciliationState, int> { [ReconciliationState.DifferencesNotFound] = 1, [ReconciliationState.InProgress] = 1 }));
    }

    [Test]
    public async Task CountByLastStateAsync_Empty_ReturnsNoCounts()
    {
        Assert.That(await Store.CountByLastStateAsync(isRequester: true), Is.Empty);
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(100)]
    public async Task ReadResultsPageAsync_Pages_CoverEveryRowWithAResultOnceInKeyOrder(int pageSize)
    {
        var expected = new List<StatusKey>();
        for (var i = 0; i < 7; i++)
        {
            var party = PartyName.Parse($"O=Party{(i * 5) % 7}, L=London, C=GB");
            await FinishAsync(party, true, ReconciliationState.DifferencesFound, RandomIds(2, seed: 10 + i));
            expected.Add(new StatusKey(party, true));
            await FinishAsync(party, false, i % 2 == 0 ? ReconciliationState.DifferencesFound : ReconciliationState.DifferencesNotFound, i % 2 == 0 ? RandomIds(1, seed: 20 + i) : []);
            if (i % 2 == 0)
            {
                expected.Add(new StatusKey(party, false));
            }
        }

        await FinishAsync(B, true, ReconciliationState.Failed, []);

        var read = new List<StatusKey>();
        StatusKey? after = null;
        var pages = 0;
        while (true)
        {
            var page = await Store.ReadResultsPageAsync(after, pageSize);
            pages++;
            Assert.That(page, Has.Count.LessThanOrEqualTo(pageSize));
            Assert.That(page.Select(r => r.LastSuccessfulReconciliationResult.Count), Is.All.GreaterThan(0));
            read.AddRange(page.Select(StatusKey.Of));
            if (page.Count < pageSize)
            {
                break;
            }

            after = StatusKey.Of(page[^1]);
        }

        Assert.That(read, Is.EquivalentTo(expected));
        Assert.That(read, Is.Unique);
        Assert.That(read, Is.Ordered.Using<StatusKey>((x, y) => x.CompareTo(y)), "in key order");
        Assert.That(pages, Is.EqualTo((expected.Count / pageSize) + 1));
    }

    [Test]
    public void ReadResultsPageAsync_PageSizeBelowOne_Throws()
    {
        Assert.That(async () => await Store.ReadResultsPageAsync(null, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    // --- the SPEC §7 rules over the store ----------------------------------------------------------------------------

    [Test]
    public async Task RecordStartedAsync_NewParty_WritesInProgressRow()
    {
        var run = Guid.NewGuid();
        Time.Advance(TimeSpan.FromMilliseconds(1234.5678));

        await Recorder.RecordStartedAsync(B, true, run, Time.GetUtcNow());

        var status = await Store.GetAsync(B, true);
        Assert.That(status, Is.Not.Null);
        Assert.That(status!.PartyName, Is.EqualTo(B));
        Assert.That(status.IsRequester, Is.True);
        Assert.That(status.StateMachineRunId, Is.EqualTo(run));
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.InProgress));
        Assert.That(status.LastReconciliationTimeStarted, Is.EqualTo(T0.AddMilliseconds(1234)), "times are kept in whole milliseconds");
        Assert.That(status.LastReconciliationTimeFinished, Is.Null);
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.Null);
        Assert.That(status.LastSuccessfulReconciliationResult, Is.Empty);
    }

    [Test]
    public async Task RecordFinishedAsync_Success_SetsLastSuccessfulFieldsAndResult()
    {
        var run = Guid.NewGuid();
        var ids = RandomIds(7, seed: 5);
        await Recorder.RecordStartedAsync(B, true, run, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromSeconds(3));

        await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, run, ReconciliationState.DifferencesFound, Time.GetUtcNow(), [.. ids, ids[0]]));

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(status.LastSuccessfulReconciliationTimeStarted, Is.EqualTo(T0));
        Assert.That(status.LastSuccessfulReconciliationTimeFinished, Is.EqualTo(T0.AddSeconds(3)));
        Assert.That(status.LastReconciliationTimeFinished, Is.EqualTo(T0.AddSeconds(3)));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.EqualTo(ids.Order()), "distinct and sorted");
        Assert.That(status.LastReconciliationError, Is.Null);
    }

    [Test]
    public async Task RecordFinishedAsync_FailureAfterSuccess_KeepsLastSuccessfulFields()
    {
        var ids = RandomIds(3, seed: 6);
        await FinishAsync(B, true, ReconciliationState.DifferencesFound, ids);
        var second = Guid.NewGuid();
        Time.Advance(TimeSpan.FromHours(1));
        await Recorder.RecordStartedAsync(B, true, second, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromSeconds(5));

        await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, second, ReconciliationState.Failed, Time.GetUtcNow(), RandomIds(2, seed: 7), "peer went away"));

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(status.StateMachineRunId, Is.EqualTo(second));
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(status.LastReconciliationError, Is.EqualTo("peer went away"));
        Assert.That(status.LastReconciliationTimeStarted, Is.EqualTo(T0.AddSeconds(1).AddHours(1)));
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(status.LastSuccessfulReconciliationTimeStarted, Is.EqualTo(T0));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids), "a failed run's result is ignored");
    }

    [Test]
    public async Task RecordStartedAsync_AfterFailure_ClearsErrorAndFinishTimeKeepsSuccess()
    {
        await FinishAsync(B, true, ReconciliationState.DifferencesNotFound, []);
        await FinishAsync(B, true, ReconciliationState.Failed, []);

        await Recorder.RecordStartedAsync(B, true, Guid.NewGuid(), Time.GetUtcNow());

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.InProgress));
        Assert.That(status.LastReconciliationError, Is.Null);
        Assert.That(status.LastReconciliationTimeFinished, Is.Null);
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public async Task RecordFinishedAsync_FailedWithoutError_ThrowsAndWritesNothing(string? error)
    {
        var before = await FinishAsync(B, true, ReconciliationState.DifferencesNotFound, []);

        Assert.That(
            async () => await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, Guid.NewGuid(), ReconciliationState.Failed, T0, Error: error)),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("error"));
        Assert.That(await Store.GetAsync(B, true), Is.EqualTo(before));
    }

    [Test]
    public void RecordFinishedAsync_InProgressAsEnd_Throws()
    {
        Assert.That(
            async () => await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, Guid.NewGuid(), ReconciliationState.InProgress, T0)),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("state"));
    }

    [Test]
    public async Task RecordFinishedAsync_Stopped_KeepsSuccessAndHasNoError()
    {
        var ids = RandomIds(2, seed: 8);
        await FinishAsync(B, false, ReconciliationState.DifferencesFound, ids);
        var run = Guid.NewGuid();
        await Recorder.RecordStartedAsync(B, false, run, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromSeconds(9));

        await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, false, run, ReconciliationState.Stopped, Time.GetUtcNow(), Error: "ignored"));

        var status = (await Store.GetAsync(B, false))!;
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Stopped));
        Assert.That(status.LastReconciliationTimeFinished, Is.EqualTo(Time.GetUtcNow()));
        Assert.That(status.LastReconciliationError, Is.Null);
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids));
    }

    [Test]
    public async Task RecordFinishedAsync_EndOfAnotherRun_HasNoStartTime()
    {
        await Recorder.RecordStartedAsync(B, true, Guid.NewGuid(), T0);
        var other = Guid.NewGuid();

        await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, other, ReconciliationState.DifferencesNotFound, T0.AddSeconds(1)));

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(status.StateMachineRunId, Is.EqualTo(other));
        Assert.That(status.LastReconciliationTimeStarted, Is.Null);
        Assert.That(status.LastSuccessfulReconciliationTimeStarted, Is.Null);
    }

    [Test]
    public async Task RecordInterruptedAsync_RunStillInProgress_RecordsFailedInterruptedByRestart()
    {
        var run = Guid.NewGuid();
        await FinishAsync(B, true, ReconciliationState.DifferencesNotFound, []);
        await Recorder.RecordStartedAsync(B, true, run, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromMinutes(2));

        var recorded = await Recorder.RecordInterruptedAsync(B, true, run, Time.GetUtcNow());

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(recorded, Is.True);
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(status.LastReconciliationError, Does.StartWith("interrupted by restart"));
        Assert.That(status.LastReconciliationTimeFinished, Is.EqualTo(Time.GetUtcNow()));
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
    }

    [Test]
    public async Task RecordInterruptedAsync_RunEndedOrReplaced_ChangesNothing()
    {
        var ended = await FinishAsync(B, true, ReconciliationState.DifferencesNotFound, []);
        var replaced = Guid.NewGuid();
        await Recorder.RecordStartedAsync(C, true, replaced, T0);
        await Recorder.RecordStartedAsync(C, true, Guid.NewGuid(), T0.AddSeconds(1));
        var newer = await Store.GetAsync(C, true);

        Assert.That(await Recorder.RecordInterruptedAsync(B, true, ended.StateMachineRunId!.Value, T0.AddHours(1)), Is.False);
        Assert.That(await Recorder.RecordInterruptedAsync(C, true, replaced, T0.AddHours(1)), Is.False);
        Assert.That(await Recorder.RecordInterruptedAsync(D, true, Guid.NewGuid(), T0.AddHours(1)), Is.False);

        Assert.That(await Store.GetAsync(B, true), Is.EqualTo(ended));
        Assert.That(await Store.GetAsync(C, true), Is.EqualTo(newer));
        Assert.That(await Store.GetAsync(D, true), Is.Null);
    }

    [Test]
    public async Task RecordStaleRunStoppedAsync_InProgressRowOfADeadRun_RecordsStopped()
    {
        var stale = Guid.NewGuid();
        var skipped = Guid.NewGuid();
        await Recorder.RecordStartedAsync(B, true, stale, T0);
        await Recorder.RecordStartedAsync(C, true, skipped, T0);
        await FinishAsync(D, true, ReconciliationState.Failed, []);

        var stopped = await Recorder.RecordStaleRunStoppedAsync(B, true, T0.AddMinutes(1), new HashSet<Guid>());
        var notStopped = await Recorder.RecordStaleRunStoppedAsync(C, true, T0.AddMinutes(1), new HashSet<Guid> { skipped });
        var ended = await Recorder.RecordStaleRunStoppedAsync(D, true, T0.AddMinutes(1), new HashSet<Guid>());

        Assert.That((stopped, notStopped, ended), Is.EqualTo(((Guid?)stale, (Guid?)null, (Guid?)null)));
        Assert.That((await Store.GetAsync(B, true))!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Stopped));
        Assert.That((await Store.GetAsync(C, true))!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.InProgress));
        Assert.That((await Store.GetAsync(D, true))!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Failed));
    }

    [Test]
    public async Task RefreshAsync_SomePresent_DropsThemOnly()
    {
        var ids = RandomIds(5, seed: 9);
        await FinishAsync(B, true, ReconciliationState.DifferencesFound, ids);
        var present = ids.Take(2).ToHashSet();

        var removed = await Recorder.RefreshAsync(present.Contains);

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(removed, Is.EqualTo(2));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids.Skip(2)));
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
    }

    [Test]
    public async Task RefreshAsync_AllPresent_StatusesSayNotFound()
    {
        var ids = RandomIds(4, seed: 10);
        await FinishAsync(B, true, ReconciliationState.DifferencesFound, ids);

        var removed = await Recorder.RefreshAsync(_ => true);

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(removed, Is.EqualTo(4));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.Empty);
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
    }

    [Test]
    public async Task RefreshAsync_ManyRowsAcrossPages_RefreshesEveryRowOnce()
    {
        var random = new Random(11);
        var all = new List<TransactionId>();
        var parties = Enumerable.Range(0, 9).Select(i => PartyName.Parse($"O=Refresh{i}, L=London, C=GB")).ToList();
        foreach (var party in parties)
        {
            var ids = RandomIds(random.Next(1, 6), seed: random.Next());
            all.AddRange(ids);
            await FinishAsync(party, random.Next(2) == 0, ReconciliationState.DifferencesFound, ids);
        }

        var present = all.Where((_, i) => i % 2 == 0).ToHashSet();

        var removed = await Recorder.RefreshAsync(present.Contains, pageSize: 2);

        var left = (await Store.QueryAsync(new StatusQuery { IsRequester = true })).Concat(await Store.QueryAsync(new StatusQuery { IsRequester = false }))
            .SelectMany(r => r.LastSuccessfulReconciliationResult).ToList();
        Assert.That(removed, Is.EqualTo(present.Count));
        Assert.That(left, Is.EquivalentTo(all.Where(id => !present.Contains(id))));
        Assert.That(await Recorder.RefreshAsync(present.Contains, pageSize: 2), Is.Zero, "a second refresh finds nothing more");
    }

    [Test]
    public async Task RefreshAsync_ConcurrentWithRunEnds_NeverWritesBackAStaleResult()
    {
        // A refresh reads a page, then updates each row through the rule applied to the row as it is then: a run that
        // ended in between keeps its new result (trimmed or not), never the old one.
        var parties = Enumerable.Range(0, 10).Select(i => PartyName.Parse($"O=Race{i}, L=London, C=GB")).ToList();
        var oldIds = new Dictionary<PartyName, IReadOnlyList<TransactionId>>();
        var newIds = new Dictionary<PartyName, IReadOnlyList<TransactionId>>();
        for (var i = 0; i < parties.Count; i++)
        {
            oldIds[parties[i]] = RandomIds(4, seed: 300 + i);
            newIds[parties[i]] = RandomIds(4, seed: 400 + i);
            await FinishAsync(parties[i], true, ReconciliationState.DifferencesFound, oldIds[parties[i]]);
        }

        var present = oldIds.Values.SelectMany(ids => ids.Take(2)).Concat(newIds.Values.SelectMany(ids => ids.Take(1))).ToHashSet();
        var refresh = Task.Run(() => Recorder.RefreshAsync(present.Contains, pageSize: 3));
        var ends = parties.Select(party => Task.Run(() => Recorder.RecordFinishedAsync(
            new ReconciliationRunEnd(party, true, Guid.NewGuid(), ReconciliationState.DifferencesFound, T0.AddHours(1), newIds[party])))).ToList();
        await Task.WhenAll([refresh, .. ends]);

        foreach (var party in parties)
        {
            var result = (await Store.GetAsync(party, true))!.LastSuccessfulReconciliationResult;
            Assert.That(result, Is.EquivalentTo(newIds[party]).Or.EquivalentTo(newIds[party].Where(id => !present.Contains(id))), party.ToString());
        }
    }

    [Test]
    public async Task RefreshAsync_NoResults_ReturnsZeroAndWritesNothing()
    {
        var before = await FinishAsync(B, true, ReconciliationState.DifferencesNotFound, []);

        Assert.That(await Recorder.RefreshAsync(_ => true), Is.Zero);
        Assert.That(await Store.GetAsync(B, true), Is.EqualTo(before));
    }

    // --- the run history (IReconciliationRunHistory) --------------------------------------------------------------------

    /// <summary>The store's run history (every LedgerSync store keeps one).</summary>
    protected IReconciliationRunHistory History =>
        Store as IReconciliationRunHistory ?? throw new AssertionException($"{Store.GetType().Name} does not implement {nameof(IReconciliationRunHistory)}.");

    [Test]
    public async Task ReadRunsAsync_NothingRecorded_ReturnsNoRuns()
    {
        await FinishAsync(C, true, ReconciliationState.DifferencesNotFound, []);

        Assert.That(await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B }), Is.Empty);
    }

    [Test]
    public async Task ReadRunsAsync_RunsStartedAndEnded_ReturnsEachRunNewestFirstWithItsFields()
    {
        var ids = RandomIds(4, seed: 21);
        var found = await FinishAsync(B, true, ReconciliationState.DifferencesFound, ids);
        Time.Advance(TimeSpan.FromMinutes(1));
        var failed = await FinishAsync(B, true, ReconciliationState.Failed, []);
        Time.Advance(TimeSpan.FromMinutes(1));
        var running = Guid.NewGuid();
        await Recorder.RecordStartedAsync(B, true, running, Time.GetUtcNow());

        var runs = await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B });

        Assert.That(runs, Is.EqualTo(new[]
        {
            new ReconciliationRunRecord { RunId = running, PartyName = B, IsRequester = true, Started = Time.GetUtcNow(), State = ReconciliationState.InProgress },
            new ReconciliationRunRecord
            {
                RunId = failed.StateMachineRunId!.Value, PartyName = B, IsRequester = true, Started = failed.LastReconciliationTimeStarted,
                Finished = failed.LastReconciliationTimeFinished, State = ReconciliationState.Failed, Error = "failed",
            },
            new ReconciliationRunRecord
            {
                RunId = found.StateMachineRunId!.Value, PartyName = B, IsRequester = true, Started = T0, Finished = T0.AddSeconds(1),
                State = ReconciliationState.DifferencesFound, Differences = 4,
            },
        }));
    }

    [Test]
    public async Task ReadRunsAsync_RefreshAfterRun_KeepsTheDifferencesTheRunFound()
    {
        var ids = RandomIds(5, seed: 22);
        await FinishAsync(B, true, ReconciliationState.DifferencesFound, ids);

        await Recorder.RefreshAsync(ids.Take(3).ToHashSet().Contains);

        var runs = await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B });
        Assert.That(runs.Select(r => (r.State, r.Differences)), Is.EqualTo(new[] { (ReconciliationState.DifferencesFound, 5) }), "a refresh is not a run");
    }

    [Test]
    public async Task ReadRunsAsync_BothRoles_FiltersByRoleAndMergesInStartOrder()
    {
        var asRequester = await FinishAsync(B, true, ReconciliationState.DifferencesNotFound, []);
        var asResponder = await FinishAsync(B, false, ReconciliationState.DifferencesNotFound, []);
        var stopped = Guid.NewGuid();
        await Recorder.RecordStartedAsync(B, true, stopped, Time.GetUtcNow());
        await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, stopped, ReconciliationState.Stopped, Time.GetUtcNow().AddSeconds(2)));
        await FinishAsync(C, false, ReconciliationState.DifferencesNotFound, []);

        var both = await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B });
        var requester = await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B, IsRequester = true });
        var responder = await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B, IsRequester = false });

        Assert.That(both.Select(r => (r.RunId, r.IsRequester)), Is.EqualTo(new[]
        {
            (stopped, true), (asResponder.StateMachineRunId!.Value, false), (asRequester.StateMachineRunId!.Value, true),
        }));
        Assert.That(requester.Select(r => r.RunId), Is.EqualTo(new[] { stopped, asRequester.StateMachineRunId!.Value }));
        Assert.That(responder.Select(r => r.RunId), Is.EqualTo(new[] { asResponder.StateMachineRunId!.Value }));
        Assert.That(requester[0].State, Is.EqualTo(ReconciliationState.Stopped));
        Assert.That(requester[0].Error, Is.Null);
    }

    [Test]
    public async Task ReadRunsAsync_InterruptedByRestartThenRunAgain_ShowsBothRuns()
    {
        var cut = Guid.NewGuid();
        await Recorder.RecordStartedAsync(B, true, cut, T0);
        Time.Advance(TimeSpan.FromSeconds(30));
        await Recorder.RecordInterruptedAsync(B, true, cut, Time.GetUtcNow());
        var again = await FinishAsync(B, true, ReconciliationState.DifferencesNotFound, []);

        var runs = await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B });

        Assert.That(runs.Select(r => r.RunId), Is.EqualTo(new[] { again.StateMachineRunId!.Value, cut }));
        Assert.That(runs[1].State, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(runs[1].Error, Does.StartWith("interrupted by restart"));
        Assert.That((runs[1].Started, runs[1].Finished), Is.EqualTo(((DateTimeOffset?)T0, (DateTimeOffset?)T0.AddSeconds(30))));
    }

    [Test]
    public async Task ReadRunsAsync_EndOfARunWhoseStartWasReplaced_HasNoStartTime()
    {
        var replaced = Guid.NewGuid();
        await Recorder.RecordStartedAsync(B, true, replaced, T0);
        var other = Guid.NewGuid();
        await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(B, true, other, ReconciliationState.DifferencesNotFound, T0.AddSeconds(1)));

        var runs = await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B });

        Assert.That(runs.Select(r => (r.RunId, r.State, r.Started)), Is.EqualTo(new[]
        {
            (other, ReconciliationState.DifferencesNotFound, (DateTimeOffset?)null),
            (replaced, ReconciliationState.InProgress, (DateTimeOffset?)T0),
        }), "the replaced run never recorded an end; the other run never recorded a start");
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(7)]
    public async Task ReadRunsAsync_Pages_CoverEveryRunOnceNewestFirst(int take)
    {
        var random = new Random(23);
        var expected = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var state = random.Next(3) switch
            {
                0 => ReconciliationState.Failed,
                1 => ReconciliationState.DifferencesFound,
                _ => ReconciliationState.DifferencesNotFound,
            };
            var row = await FinishAsync(B, random.Next(2) == 0, state, state == ReconciliationState.DifferencesFound ? RandomIds(random.Next(1, 4), random.Next()) : []);
            expected.Insert(0, row.StateMachineRunId!.Value);
        }

        var seen = new List<Guid>();
        for (var skip = 0; ; skip += take)
        {
            var page = await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B, Skip = skip, Take = take });
            Assert.That(page, Has.Count.LessThanOrEqualTo(take));
            seen.AddRange(page.Select(r => r.RunId));
            if (page.Count < take)
            {
                break;
            }
        }

        Assert.That(seen, Is.EqualTo(expected));
    }

    [TestCase(-1, 20)]
    [TestCase(0, 0)]
    [TestCase(0, ReconciliationRunQuery.MaxTake + 1)]
    public void ReadRunsAsync_OutOfRangePaging_Throws(int skip, int take)
    {
        Assert.That(
            async () => await History.ReadRunsAsync(new ReconciliationRunQuery { Party = B, Skip = skip, Take = take }),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>Records one run with <paramref name="party"/> from start to end (one second of the test clock) and returns the row.</summary>
    protected async Task<ReconciliationStatus> FinishAsync(PartyName party, bool isRequester, ReconciliationState state, IReadOnlyCollection<TransactionId> ids)
    {
        var run = Guid.NewGuid();
        await Recorder.RecordStartedAsync(party, isRequester, run, Time.GetUtcNow());
        Time.Advance(TimeSpan.FromSeconds(1));
        await Recorder.RecordFinishedAsync(new ReconciliationRunEnd(party, isRequester, run, state, Time.GetUtcNow(), ids, state == ReconciliationState.Failed ? "failed" : null));
        return (await Store.GetAsync(party, isRequester))!;
    }

    protected static ReconciliationStatus Row(PartyName party, bool isRequester) => new() { PartyName = party, IsRequester = isRequester };

    protected static IReadOnlyList<TransactionId> RandomIds(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => TransactionId.Random(random))];
    }

    private static DateTimeOffset? MaybeTime(Random random) =>
        random.Next(4) == 0 ? null : T0.AddMilliseconds(random.NextInt64(-1_000_000_000, 1_000_000_000));
}
