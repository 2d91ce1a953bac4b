using LedgerSync.Status;
using NUnit.Framework;

namespace LedgerSync.Testing.Status;

/// <summary>
/// The semantics every <see cref="IStatusStore"/> must have (SPEC §7), run against each implementation by deriving
/// from this fixture (in-memory, SQLite, PostgreSQL).
/// </summary>
public abstract class StatusStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly PartyName B = PartyName.Parse("O=PartyB, L=London, C=GB");
    private static readonly PartyName C = PartyName.Parse("O=PartyC, L=Ottawa, C=CA");

    protected IStatusStore Store { get; private set; } = null!;

    /// <summary>Creates an empty store (called before every test).</summary>
    protected abstract Task<IStatusStore> CreateStoreAsync();

    [SetUp]
    public async Task CreateStore() => Store = await CreateStoreAsync();

    [Test]
    public async Task GetAsync_NothingRecorded_ReturnsNull()
    {
        Assert.That(await Store.GetAsync(B, isRequester: true), Is.Null);
    }

    [Test]
    public async Task RecordStartedAsync_NewParty_WritesInProgressRow()
    {
        var run = Guid.NewGuid();
        await Store.RecordStartedAsync(B, true, run, T0);

        var status = await Store.GetAsync(B, true);
        Assert.That(status, Is.Not.Null);
        Assert.That(status!.PartyName, Is.EqualTo(B));
        Assert.That(status.IsRequester, Is.True);
        Assert.That(status.StateMachineRunId, Is.EqualTo(run));
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.InProgress));
        Assert.That(status.LastReconciliationTimeStarted, Is.EqualTo(T0));
        Assert.That(status.LastReconciliationTimeFinished, Is.Null);
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.Null);
        Assert.That(status.LastSuccessfulReconciliationResult, Is.Empty);
        Assert.That(await Store.GetAsync(B, false), Is.Null, "the other role has its own row");
    }

    [Test]
    public async Task RecordFinishedAsync_Success_SetsLastSuccessfulFieldsAndResult()
    {
        var run = Guid.NewGuid();
        var ids = RandomIds(7, seed: 1);
        await Store.RecordStartedAsync(B, true, run, T0);
        await Store.RecordFinishedAsync(B, true, run, ReconciliationState.DifferencesFound, T0.AddSeconds(3), ids, null);

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(status.LastSuccessfulReconciliationTimeStarted, Is.EqualTo(T0));
        Assert.That(status.LastSuccessfulReconciliationTimeFinished, Is.EqualTo(T0.AddSeconds(3)));
        Assert.That(status.LastReconciliationTimeFinished, Is.EqualTo(T0.AddSeconds(3)));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids));
        Assert.That(status.LastReconciliationError, Is.Null.Or.Empty);
    }

    [Test]
    public async Task RecordFinishedAsync_FailureAfterSuccess_KeepsLastSuccessfulFields()
    {
        var first = Guid.NewGuid();
        var ids = RandomIds(3, seed: 2);
        await Store.RecordStartedAsync(B, true, first, T0);
        await Store.RecordFinishedAsync(B, true, first, ReconciliationState.DifferencesFound, T0.AddSeconds(1), ids, null);
        var second = Guid.NewGuid();
        await Store.RecordStartedAsync(B, true, second, T0.AddHours(1));
        await Store.RecordFinishedAsync(B, true, second, ReconciliationState.Failed, T0.AddHours(1).AddSeconds(5), null, "peer went away");

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(status.StateMachineRunId, Is.EqualTo(second));
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Failed));
        Assert.That(status.LastReconciliationError, Is.EqualTo("peer went away"));
        Assert.That(status.LastReconciliationTimeStarted, Is.EqualTo(T0.AddHours(1)));
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That(status.LastSuccessfulReconciliationTimeStarted, Is.EqualTo(T0));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids));
    }

    [Test]
    public async Task RecordStartedAsync_AfterFailure_ClearsErrorAndFinishTime()
    {
        var run = Guid.NewGuid();
        await Store.RecordFinishedAsync(B, true, run, ReconciliationState.Failed, T0, null, "boom");
        await Store.RecordStartedAsync(B, true, Guid.NewGuid(), T0.AddMinutes(1));

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.InProgress));
        Assert.That(status.LastReconciliationError, Is.Null.Or.Empty);
        Assert.That(status.LastReconciliationTimeFinished, Is.Null);
    }

    [Test]
    public void RecordFinishedAsync_FailedWithoutError_Throws()
    {
        Assert.That(
            async () => await Store.RecordFinishedAsync(B, true, Guid.NewGuid(), ReconciliationState.Failed, T0, null, null),
            Throws.ArgumentException);
    }

    [Test]
    public async Task RecordFinishedAsync_Stopped_KeepsSuccessAndHasNoError()
    {
        var run = Guid.NewGuid();
        await Store.RecordStartedAsync(B, false, run, T0);
        await Store.RecordFinishedAsync(B, false, run, ReconciliationState.Stopped, T0.AddSeconds(9), null, null);

        var status = (await Store.GetAsync(B, false))!;
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Stopped));
        Assert.That(status.LastReconciliationTimeFinished, Is.EqualTo(T0.AddSeconds(9)));
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.Null);
    }

    [Test]
    public async Task QueryAsync_Filters_MatchEveryCriterion()
    {
        await Finish(B, true, ReconciliationState.DifferencesFound, RandomIds(1, 3));
        await Finish(C, true, ReconciliationState.DifferencesNotFound, []);
        await Finish(B, false, ReconciliationState.DifferencesNotFound, []);

        Assert.That((await Store.QueryAsync(null, null, true)).Select(s => s.PartyName), Is.EquivalentTo(new[] { B, C }));
        Assert.That((await Store.QueryAsync(null, null, false)).Select(s => s.PartyName), Is.EquivalentTo(new[] { B }));
        Assert.That((await Store.QueryAsync(B, null, true)).Single().LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
        Assert.That((await Store.QueryAsync(null, ReconciliationState.DifferencesNotFound, true)).Single().PartyName, Is.EqualTo(C));
        Assert.That(await Store.QueryAsync(C, ReconciliationState.DifferencesFound, true), Is.Empty);
    }

    [Test]
    public async Task RemovePresentFromResultsAsync_SomePresent_DropsThemOnly()
    {
        var ids = RandomIds(5, seed: 4);
        await Finish(B, true, ReconciliationState.DifferencesFound, ids);
        var present = ids.Take(2).ToHashSet();

        var removed = await Store.RemovePresentFromResultsAsync(present.Contains);

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(removed, Is.EqualTo(2));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids.Skip(2)));
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound));
    }

    [Test]
    public async Task RemovePresentFromResultsAsync_AllPresent_StatusesSayNotFound()
    {
        var ids = RandomIds(4, seed: 5);
        await Finish(B, true, ReconciliationState.DifferencesFound, ids);

        var removed = await Store.RemovePresentFromResultsAsync(_ => true);

        var status = (await Store.GetAsync(B, true))!;
        Assert.That(removed, Is.EqualTo(4));
        Assert.That(status.LastSuccessfulReconciliationResult, Is.Empty);
        Assert.That(status.LastSuccessfulReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
        Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesNotFound));
    }

    [Test]
    public async Task RecordFinishedAsync_ManyRandomResults_RoundTrip()
    {
        var random = new Random(99);
        for (var i = 0; i < 20; i++)
        {
            var ids = RandomIds(random.Next(0, 300), seed: 100 + i);
            var state = ids.Count == 0 ? ReconciliationState.DifferencesNotFound : ReconciliationState.DifferencesFound;
            await Finish(B, true, state, ids);
            var status = (await Store.GetAsync(B, true))!;
            Assert.That(status.LastSuccessfulReconciliationResult, Is.EquivalentTo(ids), $"round {i}");
        }
    }

    private async Task Finish(PartyName party, bool isRequester, ReconciliationState state, IReadOnlyCollection<TransactionId> ids)
    {
        var run = Guid.NewGuid();
        await Store.RecordStartedAsync(party, isRequester, run, T0);
        await Store.RecordFinishedAsync(party, isRequester, run, state, T0.AddSeconds(1), ids, state == ReconciliationState.Failed ? "failed" : null);
    }

    protected static IReadOnlyList<TransactionId> RandomIds(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => TransactionId.Random(random))];
    }
}
