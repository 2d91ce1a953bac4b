using System.Text;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Testing;
using LedgerSync.Testing.Logging;
using LedgerSync.Testing.Scheduling;

namespace LedgerSync.Tests.Recovery;

/// <summary>Recovery between two nodes wired with <c>AddLedgerSync()</c>, over the in-memory transport, in real time.</summary>
[TestFixture]
public sealed class RecoveryEndToEndTests : RecoveryNodeTests
{
    internal static TransactionId Id(string name) => TransactionId.HashOf(Encoding.UTF8.GetBytes(name));

    internal static TransactionMetadata Tx(string name, string[] dependencies, params PartyName[] participants) =>
        new(Id(name), [.. dependencies.Select(Id)], [.. participants]);

    private async Task<RecoveryTestNode> StartAsync(PartyName party, IEnumerable<TransactionMetadata> ledger, Action<LedgerSyncOptions>? configure = null, int padding = 0, bool withSink = true, bool withSource = true)
    {
        var node = await RecoveryTestNode.StartAsync(Network, party, ledger, configure, padding: padding, withSink: withSink, withSource: withSource);
        Nodes.Add(node);
        return node;
    }

    /// <summary>B's ledger: shared transactions (one with a back-chain through C), and one of B and C only.</summary>
    private static (List<TransactionMetadata> Ledger, TransactionMetadata[] Lost, TransactionMetadata NotForA) Scenario()
    {
        var kept = Tx("kept", [], A, B);
        var backChain = Tx("issued-by-C", [], B, C);
        var shared1 = Tx("shared-1", [], A, B);
        var shared2 = Tx("shared-2", ["issued-by-C", "kept"], A, B);
        var shared3 = Tx("shared-3", ["shared-1"], A, B);
        var notForA = Tx("b-and-c", [], B, C);
        return ([kept, backChain, shared1, shared2, shared3, notForA], [backChain, shared1, shared2, shared3], notForA);
    }

    [Test]
    public async Task RecoverTransactionsAsync_AfterReconciliation_RecoversTheResultWithItsBackChainAndRefreshesTheStatus()
    {
        var (ledger, lost, _) = Scenario();
        var b = await StartAsync(B, ledger);
        var a = await StartAsync(A, [ledger[0]]);
        await a.Flows.ScheduleReconciliationAsync([B]);
        await TestParties.EventuallyAsync(async () => (await a.Flows.GetReconciliationStatusForPartyAsync(B, true))?.LastReconciliationStatus == ReconciliationState.DifferencesFound, "the reconciliation");

        var queued = await a.Recovery.RecoverTransactionsAsync(B);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(queued.State, Is.EqualTo(RecoveryState.Queued));
        Assert.That(queued.RequestedCount, Is.EqualTo(lost.Length));
        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(ended.RecoveredCount, Is.EqualTo(lost.Length));
        Assert.That(ended.RejectedCount + ended.RefusedCount, Is.Zero);
        Assert.That(ended.BytesRecovered, Is.EqualTo(lost.Sum(t => (long)TestTransactionCodec.Encode(t).Length)));
        Assert.That(a.Sink.Stored.Keys, Is.EquivalentTo(lost.Select(t => t.Id)));
        foreach (var transaction in lost)
        {
            Assert.That(a.Sink.Stored[transaction.Id], Is.EqualTo(TestTransactionCodec.Encode(transaction)), "stored exactly as served");
            Assert.That(a.Graph.Contains(transaction.Id), Is.True, "recorded in the ledger graph");
        }

        await TestParties.EventuallyAsync(async () => (await a.Flows.GetReconciliationStatusForPartyAsync(B, true))?.LastSuccessfulReconciliationStatus == ReconciliationState.DifferencesNotFound, "the refreshed status");
        var status = await a.Flows.GetReconciliationStatusForPartyAsync(B, true);
        Assert.That(status!.LastSuccessfulReconciliationResult, Is.Empty);
        Assert.That(a.Logs.WithEventId(LedgerSyncEventId.RecoveryFinished).Single().ScopeValues()[FlowLogScope.FlowNameKey], Is.EqualTo(RecoveryFlowNames.RecoverTransactions));
        Assert.That(b.Logs.WithEventId(LedgerSyncEventId.RecoverySessionAdmitted), Is.Not.Empty, "the responder served it");
    }

    [Test]
    public async Task RecoverTransactionsAsync_IdsOutsideTheRelevantSetOrUnknown_EachRefusedAlikeAndNothingDisclosed()
    {
        var (ledger, _, notForA) = Scenario();
        var b = await StartAsync(B, ledger);
        var a = await StartAsync(A, []);
        var unknown = Enumerable.Range(0, 3).Select(i => Id($"unknown-{i}")).ToList();

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [notForA.Id, .. unknown]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(ended.RefusedCount, Is.EqualTo(4));
        Assert.That(ended.RecoveredCount + ended.BytesRecovered, Is.Zero);
        var items = await a.ItemsAsync(queued.RecoveryId);
        Assert.That(items.Select(i => i.Outcome), Is.All.EqualTo(RecoveryItemOutcome.Refused));
        Assert.That(items.Select(i => i.Reason).Distinct().Count(), Is.EqualTo(1), "an existing transaction and an unknown ID are refused in the same words");
        Assert.That(a.Sink.Calls, Is.Empty);
        Assert.That(b.Payloads.TotalOpened, Is.Zero, "the payload source is never asked for an ID outside the requester's relevant set");
        Assert.That(b.Logs.WithEventId(LedgerSyncEventId.RecoveryRefusedOutsideRelevantSet), Has.Count.EqualTo(4), "each refusal is logged on the responder");
    }

    [Test]
    public async Task RecoverTransactionsAsync_PayloadDecodesToAnotherId_RejectedAndNeverStored()
    {
        var (ledger, lost, _) = Scenario();
        var b = await StartAsync(B, ledger);
        var a = await StartAsync(A, [ledger[0]]);
        b.Payloads.Add(lost[1].Id, TestTransactionCodec.Encode(lost[3]));

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [lost[1].Id]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.RejectedCount, Is.EqualTo(1));
        var item = (await a.ItemsAsync(queued.RecoveryId)).Single();
        Assert.That(item.Outcome, Is.EqualTo(RecoveryItemOutcome.Rejected));
        Assert.That(item.Reason, Does.Contain($"decodes to transaction {lost[3].Id}"));
        Assert.That(a.Sink.Calls, Is.Empty, "a payload that fails verification never reaches the sink");
        Assert.That(a.Graph.Contains(lost[1].Id) || a.Graph.Contains(lost[3].Id), Is.False);
    }

    [Test]
    public async Task RecoverTransactionsAsync_PayloadTheDecoderCannotRead_RejectedWithoutExceptionText()
    {
        var (ledger, lost, _) = Scenario();
        var b = await StartAsync(B, ledger);
        var a = await StartAsync(A, [ledger[0]]);
        b.Payloads.Add(lost[1].Id, [0xFF, 0x00, 0x13]);

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [lost[1].Id]);
        await a.WhenEndedAsync(B);

        var item = (await a.ItemsAsync(queued.RecoveryId)).Single();
        Assert.That(item.Outcome, Is.EqualTo(RecoveryItemOutcome.Rejected));
        Assert.That(item.Reason, Is.EqualTo("the host's transaction decoder cannot read the payload (FormatException)"));
        Assert.That(a.Sink.Calls, Is.Empty);
    }

    [Test]
    public async Task RecoverTransactionsAsync_PayloadOverTheResponderSizeLimit_RefusedAsTooLarge()
    {
        var (ledger, lost, _) = Scenario();
        var b = await StartAsync(B, ledger, o => o.MaxAllowedSizeInBytes = 200, padding: 500);
        var a = await StartAsync(A, [ledger[0]]);

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [lost[1].Id]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.RefusedCount, Is.EqualTo(1));
        Assert.That((await a.ItemsAsync(queued.RecoveryId)).Single().Reason, Does.Contain("larger than the counterparty's maxAllowedSizeInBytes"));
        Assert.That(b.Logs.WithEventId(LedgerSyncEventId.RecoveryRefusedTooLarge), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RecoverTransactionsAsync_PayloadsLargerThanAMessage_StreamedInChunksAndStoredIntact()
    {
        var (ledger, lost, _) = Scenario();
        Action<LedgerSyncOptions> small = o => (o.MaxMessageSize, o.MaxAllowedSizeInBytes) = (LedgerSyncOptions.MinMaxMessageSize, 1_000_000);
        var b = await StartAsync(B, ledger, small, padding: 100_000);
        var a = await StartAsync(A, [ledger[0]], small);
        var messages = 0;
        using var observation = Network.ObserveMessages(m => Interlocked.Increment(ref messages));

        await a.Recovery.RecoverTransactionsAsync(B, [.. lost.Select(t => t.Id)]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(ended.RecoveredCount, Is.EqualTo(lost.Length));
        Assert.That(ended.BytesRecovered, Is.GreaterThan(400_000));
        Assert.That(a.Sink.Stored[lost[2].Id], Is.EqualTo(TestTransactionCodec.Encode(lost[2], 100_000)));
        Assert.That(messages, Is.GreaterThan(100), "each payload took many messages of at most 4 KiB");
    }

    [Test]
    public async Task RecoverTransactionsAsync_SinkRejects_RecordedRejectedWithTheSinkReason()
    {
        var (ledger, lost, _) = Scenario();
        await StartAsync(B, ledger);
        var a = await StartAsync(A, [ledger[0]]);
        a.Sink.RejectIds.Add(lost[1].Id);

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [lost[1].Id, lost[3].Id]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That((ended.RecoveredCount, ended.RejectedCount), Is.EqualTo((1, 1)));
        var rejected = (await a.ItemsAsync(queued.RecoveryId)).Single(i => i.Outcome == RecoveryItemOutcome.Rejected);
        Assert.That(rejected.TransactionId, Is.EqualTo(lost[1].Id));
        Assert.That(rejected.Reason, Is.EqualTo("the sink rejected it: the host's own checks failed"));
        Assert.That(a.Graph.Contains(lost[1].Id), Is.False, "a rejected transaction is not recorded in the graph");
    }

    [Test]
    public async Task RecoverTransactionsAsync_AlreadyHeldIds_RecoveredWithoutFetching()
    {
        var (ledger, lost, _) = Scenario();
        var b = await StartAsync(B, ledger);
        var a = await StartAsync(A, [ledger[0], lost[1]]);

        var queued = await a.Recovery.RecoverTransactionsAsync(B, [lost[1].Id]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.RecoveredCount, Is.EqualTo(1));
        Assert.That((await a.ItemsAsync(queued.RecoveryId)).Single().Reason, Is.EqualTo("already held by this node"));
        Assert.That(b.Payloads.TotalOpened, Is.Zero);
    }

    [Test]
    public async Task RecoverTransactionsAsync_ResponderWithoutPayloadSource_FailsWithItsRefusal()
    {
        var (ledger, lost, _) = Scenario();
        await StartAsync(B, ledger, withSource: false);
        var a = await StartAsync(A, [ledger[0]]);

        await a.Recovery.RecoverTransactionsAsync(B, [lost[1].Id]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Failed));
        Assert.That(ended.Error, Does.Contain("serves no recoveries"));
        Assert.That(ended.PendingCount, Is.EqualTo(1));
    }

    [Test]
    public async Task AutoRecoverTransactions_ReconciliationFindsDifferences_RecoveryQueuedAndFinished()
    {
        var (ledger, lost, _) = Scenario();
        await StartAsync(B, ledger);
        var a = await StartAsync(A, [ledger[0]], o => o.AutoRecoverTransactions = true);

        await a.Flows.ScheduleReconciliationAsync([B]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(a.Sink.Stored.Keys, Is.EquivalentTo(lost.Select(t => t.Id)));
        Assert.That(a.Logs.WithEventId(LedgerSyncEventId.RecoveryQueuedAutomatically), Has.Count.EqualTo(1));
    }
}
