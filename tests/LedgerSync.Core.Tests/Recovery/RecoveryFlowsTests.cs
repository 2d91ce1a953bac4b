using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using static LedgerSync.Tests.Recovery.RecoveryEndToEndTests;

namespace LedgerSync.Tests.Recovery;

/// <summary>The recovery flows' arguments and typed errors, typed and by name.</summary>
[TestFixture]
public sealed class RecoveryFlowsTests : RecoveryNodeTests
{
    private async Task<RecoveryTestNode> StartAsync(PartyName party, IEnumerable<TransactionMetadata> ledger, Action<LedgerSyncOptions>? configure = null, bool withSink = true)
    {
        var node = await RecoveryTestNode.StartAsync(Network, party, ledger, configure, withSink: withSink);
        Nodes.Add(node);
        return node;
    }

    private static List<TransactionMetadata> Shared(int count) => [.. Enumerable.Range(0, count).Select(i => Tx($"flows-{i}", [], A, B))];

    [Test]
    public async Task RecoverTransactionsAsync_WithSelf_ThrowsReconciliationWithSelf()
    {
        var a = await StartAsync(A, []);

        Assert.That(async () => await a.Recovery.RecoverTransactionsAsync(A, [Id("x")]), Throws.TypeOf<ReconciliationWithSelfException>());
    }

    [Test]
    public async Task RecoverTransactionsAsync_NoReconciliationStored_ThrowsNothingToRecoverNamingTheParty()
    {
        await StartAsync(B, []);
        var a = await StartAsync(A, []);

        Assert.That(
            async () => await a.Recovery.RecoverTransactionsAsync(B),
            Throws.TypeOf<NothingToRecoverException>()
                .With.Property(nameof(NothingToRecoverException.Party)).EqualTo(B)
                .And.Message.Contains("ScheduleReconciliationFlow"));
    }

    [Test]
    public async Task RecoverTransactionsAsync_EmptyList_ThrowsArgumentException()
    {
        await StartAsync(B, []);
        var a = await StartAsync(A, []);

        Assert.That(async () => await a.Recovery.RecoverTransactionsAsync(B, []), Throws.ArgumentException);
        Assert.That(await a.Recovery.GetRecoveryStatusForPartyAsync(B), Is.Null);
    }

    [Test]
    public async Task RecoverTransactionsAsync_NoSinkRegistered_ThrowsNotConfiguredNamingTheSink()
    {
        await StartAsync(B, []);
        var a = await StartAsync(A, [], withSink: false);

        Assert.That(
            async () => await a.Recovery.RecoverTransactionsAsync(B, [Id("x")]),
            Throws.TypeOf<RecoveryNotConfiguredException>().With.Property(nameof(RecoveryNotConfiguredException.MissingService)).EqualTo(nameof(IRecoveredTransactionSink)));
    }

    [Test]
    public async Task RecoverTransactionsAsync_PartyNotOnTheNetwork_ThrowsPeerUnreachable()
    {
        var a = await StartAsync(A, []);

        Assert.That(async () => await a.Recovery.RecoverTransactionsAsync(B, [Id("x")]), Throws.TypeOf<PeerUnreachableException>());
    }

    [Test]
    public async Task RecoverTransactionsAsync_OneAlreadyActive_ThrowsAlreadyInProgressWithItsId()
    {
        var ledger = Shared(4);
        await StartAsync(B, ledger, o => (o.MaxAllowedTransactions, o.MaxAllowedRequests, o.TimeWindowForMaxAllowedRequests) = (1, 1, TimeSpan.FromHours(24)));
        var a = await StartAsync(A, []);
        var first = await a.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);

        Assert.That(
            async () => await a.Recovery.RecoverTransactionsAsync(B, [ledger[3].Id]),
            Throws.TypeOf<RecoveryAlreadyInProgressException>()
                .With.Property(nameof(RecoveryAlreadyInProgressException.RecoveryId)).EqualTo(first.RecoveryId)
                .And.Property(nameof(RecoveryAlreadyInProgressException.Party)).EqualTo(B));
        await a.Flows.StopReconciliationForPartyAsync(B);
    }

    [Test]
    public async Task StartFlowAsync_RecoverTransactionsFlowWithIds_QueuesAndPrintsTheStatus()
    {
        var ledger = Shared(2);
        await StartAsync(B, ledger);
        var a = await StartAsync(A, []);

        var result = await a.Flows.StartFlowAsync($"flow start RecoverTransactionsFlow party: \"{B}\", transactionIds: [\"{ledger[0].Id}\", \"{ledger[1].Id.ToString().ToLowerInvariant()}\"]");

        Assert.That(result, Is.TypeOf<RecoverTransactionsFlowResult>().With.Property(nameof(FlowResult.FlowName)).EqualTo(RecoveryFlowNames.RecoverTransactions));
        var queued = ((RecoverTransactionsFlowResult)result).Status;
        Assert.That(queued.RequestedCount, Is.EqualTo(2));
        Assert.That(result.ToString(), Does.StartWith("Flow completed with result: RecoveryStatus(recoveryId=").And.Contain($"partyName={B}").And.Contain("requested=2"));
        Assert.That(result.ToString(), Is.EqualTo("Flow completed with result: " + queued));
        await a.WhenEndedAsync(B);
        var status = await a.Flows.StartFlowAsync($"GetRecoveryStatusForPartyFlow party: \"{B}\"");
        Assert.That(status, Is.TypeOf<GetRecoveryStatusForPartyFlowResult>());
        Assert.That(((GetRecoveryStatusForPartyFlowResult)status).Status, Has.Property(nameof(RecoveryStatus.RecoveredCount)).EqualTo(2).And.Property(nameof(RecoveryStatus.RecoveryId)).EqualTo(queued.RecoveryId));
        Assert.That(ReconciliationFlows.FlowNamesList, Does.Contain(RecoveryFlowNames.RecoverTransactions).And.Contain(RecoveryFlowNames.GetRecoveryStatusForParty));
    }

    [Test]
    public async Task StartFlowAsync_MalformedTransactionIds_ThrowsFlowArgumentNamingTheEntry()
    {
        var a = await StartAsync(A, []);

        Assert.That(
            async () => await a.Flows.StartFlowAsync($"RecoverTransactionsFlow party: \"{B}\", transactionIds: [\"{Id("ok")}\", \"nothex\"]"),
            Throws.TypeOf<FlowArgumentException>().With.Message.Contains("transactionIds").And.Message.Contains("entry 2 'nothex'"));
        Assert.That(
            async () => await a.Flows.StartFlowAsync($"RecoverTransactionsFlow party: \"{B}\", ids: []"),
            Throws.TypeOf<FlowArgumentException>().With.Message.Contains("has no parameter 'ids'"));
    }

    [Test]
    public async Task GetRecoveryStatusForPartyAsync_NeverRecovered_ReturnsNull()
    {
        var a = await StartAsync(A, []);

        Assert.That(await a.Recovery.GetRecoveryStatusForPartyAsync(B), Is.Null);
        var result = await a.Flows.StartFlowAsync($"GetRecoveryStatusForPartyFlow party: \"{B}\"");
        Assert.That(result, Is.TypeOf<GetRecoveryStatusForPartyFlowResult>().With.Property(nameof(GetRecoveryStatusForPartyFlowResult.Status)).Null);
        Assert.That(result.ToString(), Is.EqualTo("Flow completed with result: null"));
    }
}
