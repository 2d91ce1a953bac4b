using System.Text;
using LedgerSync.Recovery;
using LedgerSync.Testing.Scheduling;
using NUnit.Framework;

namespace LedgerSync.Testing.Recovery;

/// <summary>
/// The semantics every recovery store must have (<see cref="IRecoveryStore"/> and its claims), run against each
/// implementation by deriving from this fixture (in-memory, SQLite, PostgreSQL).
/// </summary>
public abstract class RecoveryStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly int[] FirstPendingPage = [0, 2, 3];
    private static readonly int[] SecondPendingPage = [5, 6, 7];
    private static readonly int[] LastPendingPage = [8, 9];

    protected IRecoveryStore Store { get; private set; } = null!;

    /// <summary>Creates an empty store (called before every test).</summary>
    protected abstract Task<IRecoveryStore> CreateStoreAsync();

    [SetUp]
    public async Task CreateStore() => Store = await CreateStoreAsync();

    protected static TransactionId Id(int i) => TransactionId.HashOf(Encoding.UTF8.GetBytes($"recovery-contract-{i}"));

    protected static TransactionId[] Ids(int count, int first = 0) => [.. Enumerable.Range(first, count).Select(Id)];

    protected static RecoveryStatus NewRecovery(PartyName party, int requested, DateTimeOffset createdAt) => new()
    {
        RecoveryId = Guid.NewGuid(),
        PartyName = party,
        State = RecoveryState.Queued,
        RequestedCount = requested,
        CreatedAt = createdAt,
    };

    private async Task<(RecoveryStatus Recovery, TransactionId[] Ids)> AddAsync(PartyName party, int count, DateTimeOffset createdAt)
    {
        var recovery = NewRecovery(party, count, createdAt);
        var ids = Ids(count, first: Math.Abs(recovery.RecoveryId.GetHashCode() % 100_000) * 10);
        Assert.That(await Store.TryAddAsync(recovery, ids), Is.True);
        return (recovery, ids);
    }

    private static RecoveryItem Outcome(TransactionId id, RecoveryItemOutcome outcome, long bytes = 0, string? reason = null) =>
        new() { Position = -1, TransactionId = id, Outcome = outcome, Bytes = bytes, Reason = reason };

    [Test]
    public async Task TryAddAsync_NewRecovery_QueuedWithOnePendingItemPerIdInOrder()
    {
        var (recovery, ids) = await AddAsync(TestParties.B, 5, T0);

        var stored = await Store.GetAsync(recovery.RecoveryId);
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.State, Is.EqualTo(RecoveryState.Queued));
        Assert.That(stored.PartyName, Is.EqualTo(TestParties.B));
        Assert.That(stored.RequestedCount, Is.EqualTo(5));
        Assert.That(stored.PendingCount, Is.EqualTo(5));
        Assert.That(stored.CreatedAt, Is.EqualTo(T0));
        Assert.That(stored.StartedAt, Is.Null);
        Assert.That(stored.Owner, Is.Null);
        var items = await Store.GetItemsAsync(recovery.RecoveryId, null, null, 100);
        Assert.That(items.Select(i => i.TransactionId), Is.EqualTo(ids));
        Assert.That(items.Select(i => i.Position), Is.EqualTo(Enumerable.Range(0, 5)));
        Assert.That(items.Select(i => i.Outcome), Is.All.EqualTo(RecoveryItemOutcome.Pending));
    }

    [Test]
    public async Task TryAddAsync_PartyHasActiveRecovery_ReturnsFalseAndAddsNothing()
    {
        var (first, _) = await AddAsync(TestParties.B, 2, T0);
        var second = NewRecovery(TestParties.B, 1, T0.AddMinutes(1));

        Assert.That(await Store.TryAddAsync(second, Ids(1, 500)), Is.False);
        Assert.That(await Store.GetAsync(second.RecoveryId), Is.Null);
        Assert.That((await Store.GetActiveAsync()).Select(r => r.RecoveryId), Is.EqualTo(new[] { first.RecoveryId }));
        Assert.That(await Store.TryAddAsync(NewRecovery(TestParties.C, 1, T0), Ids(1, 600)), Is.True, "another party is not blocked");
    }

    [Test]
    public async Task TryAddAsync_PreviousRecoveryEnded_AddsANewOneAndKeepsTheHistory()
    {
        var (first, ids) = await AddAsync(TestParties.B, 1, T0);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        await claim.RecordAsync([Outcome(ids[0], RecoveryItemOutcome.Recovered, 10)], T0);
        Assert.That(await claim.FinishAsync(RecoveryState.Finished, null, T0.AddSeconds(1)), Is.True);

        var (second, _) = await AddAsync(TestParties.B, 3, T0.AddMinutes(1));

        Assert.That((await Store.GetLatestForPartyAsync(TestParties.B))!.RecoveryId, Is.EqualTo(second.RecoveryId));
        Assert.That((await Store.GetHistoryAsync(TestParties.B, 10)).Select(r => r.RecoveryId), Is.EqualTo(new[] { second.RecoveryId, first.RecoveryId }));
    }

    [Test]
    public async Task TryAddAsync_DuplicateOrMiscountedIds_Throws()
    {
        var duplicate = NewRecovery(TestParties.B, 2, T0);
        Assert.That(async () => await Store.TryAddAsync(duplicate, [Id(1), Id(1)]), Throws.ArgumentException);
        Assert.That(async () => await Store.TryAddAsync(NewRecovery(TestParties.B, 3, T0), Ids(2)), Throws.ArgumentException);
        Assert.That(await Store.GetActiveAsync(), Is.Empty);
    }

    [Test]
    public async Task TryClaimNextAsync_SeveralQueued_ClaimsTheOldestOnceWithALease()
    {
        var (late, _) = await AddAsync(TestParties.B, 1, T0.AddMinutes(2));
        var (early, _) = await AddAsync(TestParties.C, 1, T0.AddMinutes(1));

        var claim = await Store.TryClaimNextAsync(T0.AddMinutes(5), T0.AddMinutes(5) + Lease);

        Assert.That(claim, Is.Not.Null);
        Assert.That(claim!.Recovery.RecoveryId, Is.EqualTo(early.RecoveryId));
        Assert.That(claim.Recovery.State, Is.EqualTo(RecoveryState.InProgress));
        Assert.That(claim.Recovery.ClaimCount, Is.EqualTo(1));
        var stored = (await Store.GetAsync(early.RecoveryId))!;
        Assert.That(stored.State, Is.EqualTo(RecoveryState.InProgress));
        Assert.That(stored.StartedAt, Is.EqualTo(T0.AddMinutes(5)));
        Assert.That(stored.LeaseUntil, Is.EqualTo(T0.AddMinutes(5) + Lease));
        Assert.That(stored.Owner, Is.Not.Null.And.Not.Empty);
        var second = await Store.TryClaimNextAsync(T0.AddMinutes(5), T0.AddMinutes(5) + Lease);
        Assert.That(second!.Recovery.RecoveryId, Is.EqualTo(late.RecoveryId));
        Assert.That(await Store.TryClaimNextAsync(T0.AddMinutes(5), T0.AddMinutes(5) + Lease), Is.Null, "a claimed recovery with a live lease is not claimed again");
    }

    [Test]
    public async Task TryClaimNextAsync_LeaseExpired_ResumedByANewOwnerKeepingOutcomes()
    {
        var (recovery, ids) = await AddAsync(TestParties.B, 3, T0);
        var first = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        await first.RecordAsync([Outcome(ids[0], RecoveryItemOutcome.Recovered, 100)], T0.AddSeconds(1));

        Assert.That(await Store.TryClaimNextAsync(T0 + Lease, T0 + Lease + Lease), Is.Null, "the lease lasts until its end");
        var resumed = await Store.TryClaimNextAsync(T0 + Lease + TimeSpan.FromSeconds(1), T0 + Lease + Lease);

        Assert.That(resumed, Is.Not.Null);
        Assert.That(resumed!.Recovery.RecoveryId, Is.EqualTo(recovery.RecoveryId));
        Assert.That(resumed.Recovery.ClaimCount, Is.EqualTo(2));
        Assert.That(resumed.Recovery.StartedAt, Is.EqualTo(T0), "the first start is kept");
        Assert.That(resumed.Recovery.RecoveredCount, Is.EqualTo(1));
        Assert.That(resumed.Recovery.BytesRecovered, Is.EqualTo(100));
        var pending = await Store.GetItemsAsync(recovery.RecoveryId, RecoveryItemOutcome.Pending, null, 10);
        Assert.That(pending.Select(i => i.TransactionId), Is.EqualTo(ids[1..]));
        Assert.That(await first.RenewAsync(T0.AddMinutes(10)), Is.False, "the old claim no longer holds");
        Assert.That(await first.RecordAsync([Outcome(ids[1], RecoveryItemOutcome.Recovered, 5)], T0.AddMinutes(1)), Is.False);
        Assert.That(await first.FinishAsync(RecoveryState.Finished, null, T0.AddMinutes(1)), Is.False);
        Assert.That((await Store.GetAsync(recovery.RecoveryId))!.RecoveredCount, Is.EqualTo(1));
    }

    [Test]
    public async Task RenewAsync_LiveClaim_ExtendsTheLease()
    {
        var (recovery, _) = await AddAsync(TestParties.B, 1, T0);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;

        Assert.That(await claim.RenewAsync(T0.AddMinutes(5)), Is.True);

        Assert.That((await Store.GetAsync(recovery.RecoveryId))!.LeaseUntil, Is.EqualTo(T0.AddMinutes(5)));
        Assert.That(await Store.TryClaimNextAsync(T0.AddMinutes(2), T0.AddMinutes(3)), Is.Null);
    }

    [Test]
    public async Task RecordAsync_MixedOutcomes_UpdatesItemsAndCounts()
    {
        var (recovery, ids) = await AddAsync(TestParties.B, 4, T0);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;

        Assert.That(await claim.RecordAsync(
            [
                Outcome(ids[0], RecoveryItemOutcome.Recovered, 1000),
                Outcome(ids[1], RecoveryItemOutcome.Rejected, 999, "the payload decodes to another ID"),
                Outcome(ids[2], RecoveryItemOutcome.Refused, reason: "refused by the counterparty"),
            ],
            T0.AddSeconds(2)), Is.True);

        var stored = (await Store.GetAsync(recovery.RecoveryId))!;
        Assert.That(stored.RecoveredCount, Is.EqualTo(1));
        Assert.That(stored.RejectedCount, Is.EqualTo(1));
        Assert.That(stored.RefusedCount, Is.EqualTo(1));
        Assert.That(stored.PendingCount, Is.EqualTo(1));
        Assert.That(stored.BytesRecovered, Is.EqualTo(1000), "only recovered bytes count");
        Assert.That(stored.UpdatedAt, Is.EqualTo(T0.AddSeconds(2)));
        var items = await Store.GetItemsAsync(recovery.RecoveryId, null, null, 10);
        Assert.That(items[0].Outcome, Is.EqualTo(RecoveryItemOutcome.Recovered));
        Assert.That(items[0].Bytes, Is.EqualTo(1000));
        Assert.That(items[0].CompletedAt, Is.EqualTo(T0.AddSeconds(2)));
        Assert.That(items[0].Position, Is.EqualTo(0));
        Assert.That(items[1].Outcome, Is.EqualTo(RecoveryItemOutcome.Rejected));
        Assert.That(items[1].Reason, Is.EqualTo("the payload decodes to another ID"));
        Assert.That(items[1].Bytes, Is.Zero);
        Assert.That(items[2].Outcome, Is.EqualTo(RecoveryItemOutcome.Refused));
        Assert.That(items[2].Reason, Is.EqualTo("refused by the counterparty"));
        Assert.That(items[3].Outcome, Is.EqualTo(RecoveryItemOutcome.Pending));
        Assert.That(items[3].CompletedAt, Is.Null);
    }

    [Test]
    public async Task RecordAsync_SameIdTwiceOrUnknownOrPending_CountsOnce()
    {
        var (recovery, ids) = await AddAsync(TestParties.B, 2, T0);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;

        await claim.RecordAsync([Outcome(ids[0], RecoveryItemOutcome.Recovered, 10)], T0);
        Assert.That(await claim.RecordAsync(
            [
                Outcome(ids[0], RecoveryItemOutcome.Rejected, reason: "late"),
                Outcome(Id(999_999), RecoveryItemOutcome.Recovered, 50),
                Outcome(ids[1], RecoveryItemOutcome.Pending),
            ],
            T0.AddSeconds(1)), Is.True);

        var stored = (await Store.GetAsync(recovery.RecoveryId))!;
        Assert.That(stored.RecoveredCount, Is.EqualTo(1));
        Assert.That(stored.RejectedCount, Is.Zero);
        Assert.That(stored.BytesRecovered, Is.EqualTo(10));
        var items = await Store.GetItemsAsync(recovery.RecoveryId, null, null, 10);
        Assert.That(items.Select(i => i.Outcome), Is.EqualTo(new[] { RecoveryItemOutcome.Recovered, RecoveryItemOutcome.Pending }));
        Assert.That(items.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task GetItemsAsync_Paged_FollowsPositionsAndFilters()
    {
        var (recovery, ids) = await AddAsync(TestParties.B, 10, T0);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        await claim.RecordAsync([Outcome(ids[1], RecoveryItemOutcome.Recovered, 1), Outcome(ids[4], RecoveryItemOutcome.Refused, reason: "refused")], T0);

        var firstPage = await Store.GetItemsAsync(recovery.RecoveryId, RecoveryItemOutcome.Pending, null, 3);
        var secondPage = await Store.GetItemsAsync(recovery.RecoveryId, RecoveryItemOutcome.Pending, firstPage[^1].Position, 3);
        var rest = await Store.GetItemsAsync(recovery.RecoveryId, RecoveryItemOutcome.Pending, secondPage[^1].Position, 100);

        Assert.That(firstPage.Select(i => i.Position), Is.EqualTo(FirstPendingPage));
        Assert.That(secondPage.Select(i => i.Position), Is.EqualTo(SecondPendingPage));
        Assert.That(rest.Select(i => i.Position), Is.EqualTo(LastPendingPage));
        Assert.That((await Store.GetItemsAsync(recovery.RecoveryId, RecoveryItemOutcome.Refused, null, 10)).Select(i => i.TransactionId), Is.EqualTo(new[] { ids[4] }));
        Assert.That(await Store.GetItemsAsync(Guid.NewGuid(), null, null, 10), Is.Empty);
        Assert.That(async () => await Store.GetItemsAsync(recovery.RecoveryId, null, null, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task FinishAsync_FinishedOrFailed_EndsAndFreesTheParty()
    {
        var (done, ids) = await AddAsync(TestParties.B, 1, T0);
        var (failed, _) = await AddAsync(TestParties.C, 2, T0.AddSeconds(1));
        var doneClaim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        var failedClaim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        await doneClaim.RecordAsync([Outcome(ids[0], RecoveryItemOutcome.Recovered, 7)], T0);

        Assert.That(await doneClaim.FinishAsync(RecoveryState.Finished, null, T0.AddMinutes(1)), Is.True);
        Assert.That(await failedClaim.FinishAsync(RecoveryState.Failed, "the counterparty stopped answering", T0.AddMinutes(2)), Is.True);

        var doneRow = (await Store.GetAsync(done.RecoveryId))!;
        Assert.That(doneRow.State, Is.EqualTo(RecoveryState.Finished));
        Assert.That(doneRow.FinishedAt, Is.EqualTo(T0.AddMinutes(1)));
        Assert.That(doneRow.Error, Is.Null);
        Assert.That(doneRow.Owner, Is.Null);
        Assert.That(doneRow.LeaseUntil, Is.Null);
        var failedRow = (await Store.GetAsync(failed.RecoveryId))!;
        Assert.That(failedRow.State, Is.EqualTo(RecoveryState.Failed));
        Assert.That(failedRow.Error, Is.EqualTo("the counterparty stopped answering"));
        Assert.That(failedRow.PendingCount, Is.EqualTo(2));
        Assert.That(await Store.GetActiveAsync(), Is.Empty);
        Assert.That(await doneClaim.RenewAsync(T0.AddHours(1)), Is.False, "an ended recovery has no claim");
        Assert.That(await Store.TryClaimNextAsync(T0.AddHours(2), T0.AddHours(3)), Is.Null, "an ended recovery is never claimed again");
    }

    [Test]
    public async Task FinishAsync_BadArguments_Throws()
    {
        await AddAsync(TestParties.B, 1, T0);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;

        Assert.That(async () => await claim.FinishAsync(RecoveryState.Failed, " ", T0), Throws.ArgumentException);
        Assert.That(async () => await claim.FinishAsync(RecoveryState.Stopped, "x", T0), Throws.ArgumentException);
        Assert.That(async () => await claim.FinishAsync(RecoveryState.Queued, null, T0), Throws.ArgumentException);
        Assert.That(await claim.RenewAsync(T0.AddSeconds(10)), Is.True, "a refused finish leaves the claim");
    }

    [Test]
    public async Task ReleaseAsync_ShuttingDown_QueuedAgainAndClaimableAtOnce()
    {
        var (recovery, ids) = await AddAsync(TestParties.B, 2, T0);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        await claim.RecordAsync([Outcome(ids[0], RecoveryItemOutcome.Recovered, 3)], T0);

        Assert.That(await claim.ReleaseAsync(T0.AddSeconds(5)), Is.True);

        var stored = (await Store.GetAsync(recovery.RecoveryId))!;
        Assert.That(stored.State, Is.EqualTo(RecoveryState.Queued));
        Assert.That(stored.Owner, Is.Null);
        Assert.That(stored.LeaseUntil, Is.Null);
        Assert.That(stored.RecoveredCount, Is.EqualTo(1));
        Assert.That(await claim.RenewAsync(T0.AddMinutes(1)), Is.False);
        var again = await Store.TryClaimNextAsync(T0.AddSeconds(6), T0.AddSeconds(6) + Lease);
        Assert.That(again!.Recovery.RecoveryId, Is.EqualTo(recovery.RecoveryId));
        Assert.That(again.Recovery.ClaimCount, Is.EqualTo(2));
    }

    [Test]
    public async Task StopForPartyAsync_QueuedAndInProgress_StoppedWithReasonAndClaimLost()
    {
        var (running, _) = await AddAsync(TestParties.B, 2, T0);
        var claim = (await Store.TryClaimNextAsync(T0, T0 + Lease))!;
        var (queued, _) = await AddAsync(TestParties.C, 1, T0.AddSeconds(1));

        var stoppedB = await Store.StopForPartyAsync(TestParties.B, "stopped by the operator", T0.AddMinutes(1));
        var stoppedC = await Store.StopForPartyAsync(TestParties.C, "stopped by the operator", T0.AddMinutes(1));

        Assert.That(stoppedB.Select(r => r.RecoveryId), Is.EqualTo(new[] { running.RecoveryId }));
        Assert.That(stoppedB[0].State, Is.EqualTo(RecoveryState.Stopped));
        Assert.That(stoppedC.Select(r => r.RecoveryId), Is.EqualTo(new[] { queued.RecoveryId }));
        var row = (await Store.GetAsync(running.RecoveryId))!;
        Assert.That(row.State, Is.EqualTo(RecoveryState.Stopped));
        Assert.That(row.Error, Is.EqualTo("stopped by the operator"));
        Assert.That(row.FinishedAt, Is.EqualTo(T0.AddMinutes(1)));
        Assert.That(row.Owner, Is.Null);
        Assert.That(await claim.RenewAsync(T0.AddMinutes(2)), Is.False);
        Assert.That(await claim.FinishAsync(RecoveryState.Finished, null, T0.AddMinutes(2)), Is.False);
        Assert.That((await Store.GetAsync(running.RecoveryId))!.State, Is.EqualTo(RecoveryState.Stopped), "a lost claim cannot overwrite the stop");
        Assert.That(await Store.StopForPartyAsync(TestParties.B, "again", T0.AddMinutes(3)), Is.Empty);
        Assert.That(await Store.TryClaimNextAsync(T0.AddHours(1), T0.AddHours(2)), Is.Null);
    }

    [Test]
    public async Task GetHistoryAsync_SeveralParties_NewestFirstLimitedAndFiltered()
    {
        var recoveries = new List<RecoveryStatus>();
        for (var i = 0; i < 4; i++)
        {
            var (recovery, _) = await AddAsync(i % 2 == 0 ? TestParties.B : TestParties.C, 1, T0.AddMinutes(i));
            recoveries.Add(recovery);
            var claim = (await Store.TryClaimNextAsync(T0.AddMinutes(i), T0.AddMinutes(i) + Lease))!;
            await claim.FinishAsync(RecoveryState.Failed, "failed", T0.AddMinutes(i));
        }

        Assert.That((await Store.GetHistoryAsync(null, 3)).Select(r => r.RecoveryId), Is.EqualTo(new[] { recoveries[3].RecoveryId, recoveries[2].RecoveryId, recoveries[1].RecoveryId }));
        Assert.That((await Store.GetHistoryAsync(TestParties.B, 10)).Select(r => r.RecoveryId), Is.EqualTo(new[] { recoveries[2].RecoveryId, recoveries[0].RecoveryId }));
        Assert.That(await Store.GetHistoryAsync(TestParties.Numbered(7), 10), Is.Empty);
        Assert.That(await Store.GetLatestForPartyAsync(TestParties.Numbered(7)), Is.Null);
        Assert.That(async () => await Store.GetHistoryAsync(null, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task TryClaimNextAsync_ConcurrentClaimers_EachRecoveryClaimedOnce()
    {
        for (var i = 0; i < 8; i++)
        {
            await AddAsync(TestParties.Numbered(i), 1, T0.AddSeconds(i));
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Store.TryClaimNextAsync(T0.AddMinutes(1), T0.AddMinutes(2)))));

        var claimed = claims.Where(c => c is not null).Select(c => c!.Recovery.RecoveryId).ToList();
        Assert.That(claimed, Has.Count.EqualTo(8));
        Assert.That(claimed, Is.Unique);
    }
}
