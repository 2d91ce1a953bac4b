using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Recovery;
using LedgerSync.Testing.Logging;
using LedgerSync.Transport;
using static LedgerSync.Tests.Recovery.RecoveryEndToEndTests;

namespace LedgerSync.Tests.Recovery;

/// <summary>Broken and hostile peers on either side of a recovery: nothing hangs, nothing unverified is stored, nothing undue is served.</summary>
[TestFixture]
public sealed class RecoveryHostilePeerTests : RecoveryNodeTests
{
    private static readonly byte[] Accepted = RecoveryCodec.EncodeAccepted(new RecoveryAcceptedMessage(30, 3_000_000, TimeSpan.FromHours(1), 30, TimeSpan.FromHours(1), 3_000_000, 30));

    private async Task<RecoveryTestNode> StartAsync(PartyName party, IEnumerable<TransactionMetadata> ledger, Action<LedgerSyncOptions>? configure = null)
    {
        var node = await RecoveryTestNode.StartAsync(Network, party, ledger, configure);
        Nodes.Add(node);
        return node;
    }

    private static List<TransactionMetadata> Shared(int count) => [.. Enumerable.Range(0, count).Select(i => Tx($"hostile-{i}", [], A, B))];

    /// <summary>Plays B: reads the hello, accepts, reads one request, then runs <paramref name="answer"/>.</summary>
    private void ScriptB(Func<IPeerSession, TransactionId[], Task> answer) =>
        Network.Register(B, new ScriptedHandler(async session =>
        {
            _ = await session.ReceiveAsync();
            await session.SendAsync(Accepted);
            var request = await session.ReceiveAsync();
            await answer(session, RecoveryCodec.DecodeRequest(request!.Value.Span, 1000));
        }));

    [Test]
    public async Task Recovery_PeerStopsMidPayloadThenComesBack_RetriesAndStoresOnlyWholeVerifiedPayloads()
    {
        var ledger = Shared(3);
        var a = await StartAsync(A, []);
        var realB = await StartAsync(B, ledger);
        var realHandler = realB.Services.GetService(typeof(IInboundSessionHandler)) as IInboundSessionHandler;
        var cut = 0;
        Network.Register(B, new ScriptedHandler(async session =>
        {
            if (Interlocked.Increment(ref cut) > 1)
            {
                await realHandler!.HandleAsync(session);
                return;
            }

            _ = await session.ReceiveAsync();
            await session.SendAsync(Accepted);
            var request = await session.ReceiveAsync();
            var ids = RecoveryCodec.DecodeRequest(request!.Value.Span, 1000);
            await session.SendAsync(RecoveryCodec.EncodePayload(ids[0], 10_000, new byte[100]));
            await session.CompleteAsync();
        }));

        await a.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(ended.RecoveredCount, Is.EqualTo(3));
        Assert.That(cut, Is.GreaterThanOrEqualTo(2));
        Assert.That(a.Logs.WithEventId(LedgerSyncEventId.RecoveryRetrying).Single().Message, Does.Contain("ended the session"));
        Assert.That(a.Sink.Stored.Values.Select(p => p.Length), Is.All.LessThan(10_000), "the cut-off payload was never stored");
    }

    [Test]
    public async Task Recovery_PeerStopsMidRecoveryForGood_FailsAfterTheRetryTimeoutWithTheIdsPending()
    {
        var ledger = Shared(2);
        var a = await StartAsync(A, [], o => o.MaxReconciliationRetryAttemptTimeout = TimeSpan.Zero);
        ScriptB(async (session, ids) =>
        {
            await session.SendAsync(RecoveryCodec.EncodePayload(ids[0], 10_000, new byte[100]));
            await session.CompleteAsync();
        });

        await a.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Failed));
        Assert.That(ended.Error, Does.Contain($"{B} ended the session"));
        Assert.That(ended.Error, Does.Contain("maxReconciliationRetryAttemptTimeout"));
        Assert.That(ended.PendingCount, Is.EqualTo(2));
        Assert.That(a.Sink.Calls, Is.Empty);
    }

    [Test]
    public async Task Recovery_AfterTheLastBatch_RequesterCompletesAndWaitsForTheResponderToEndItsSide()
    {
        var ledger = Shared(2);
        var a = await StartAsync(A, []);
        var requesterEnded = new TaskCompletionSource<ReadOnlyMemory<byte>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var statusWhileResponderOpen = new TaskCompletionSource<RecoveryState?>(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptB(async (session, ids) =>
        {
            foreach (var id in ids)
            {
                await session.SendAsync(RecoveryCodec.EncodeItemRefused(id, RecoveryItemRefusal.NotServed));
            }

            await session.SendAsync(RecoveryCodec.EncodeBatchEnd(new RecoveryBatchEndMessage(ids.Length, RecoveryLimitKind.None, TimeSpan.Zero)));
            requesterEnded.SetResult(await session.ReceiveAsync());
            statusWhileResponderOpen.SetResult((await a.Recovery.GetRecoveryStatusForPartyAsync(B))?.State);
            await session.CompleteAsync();
        });

        await a.Recovery.RecoverTransactionsAsync(B, [.. ledger.Select(t => t.Id)]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That(await requesterEnded.Task, Is.Null, "the requester ends its side cleanly instead of dropping the session");
        Assert.That(await statusWhileResponderOpen.Task, Is.EqualTo(RecoveryState.InProgress), "the requester waits for the responder's end before it finishes");
        Assert.That(a.Logs.WithEventId(LedgerSyncEventId.RecoveryRetrying), Is.Empty);
    }

    [Test]
    public async Task Recovery_PeerAnswersForAnIdNotRequested_FailsAsAProtocolViolation()
    {
        var ledger = Shared(1);
        var a = await StartAsync(A, []);
        var other = Tx("not-requested", [], A, B);
        ScriptB(async (session, _) => await session.SendAsync(RecoveryCodec.EncodePayload(other.Id, 10, new byte[10])));

        await a.Recovery.RecoverTransactionsAsync(B, [ledger[0].Id]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Failed));
        Assert.That(ended.Error, Does.StartWith($"{B} broke the recovery protocol"));
        Assert.That(ended.Error, Does.Contain("did not ask for"));
        Assert.That(a.Sink.Calls, Is.Empty);
    }

    [Test]
    public async Task Recovery_PeerSendsMoreBytesThanItAnnounced_FailsWithoutAllocatingMore()
    {
        var ledger = Shared(1);
        var a = await StartAsync(A, []);
        ScriptB(async (session, ids) =>
        {
            await session.SendAsync(RecoveryCodec.EncodePayload(ids[0], 20, new byte[10]));
            await session.SendAsync(RecoveryCodec.EncodeChunk(new byte[1000]));
        });

        await a.Recovery.RecoverTransactionsAsync(B, [ledger[0].Id]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Failed));
        Assert.That(ended.Error, Does.Contain("more than the maximum of 10"));
    }

    [Test]
    public async Task Recovery_PeerAnnouncesAPayloadOverItsOwnLimit_Fails()
    {
        var ledger = Shared(1);
        var a = await StartAsync(A, []);
        ScriptB(async (session, ids) => await session.SendAsync(RecoveryCodec.EncodePayload(ids[0], 2_000_000_000, new byte[10])));

        await a.Recovery.RecoverTransactionsAsync(B, [ledger[0].Id]);
        var ended = await a.WhenEndedAsync(B);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Failed));
        Assert.That(ended.Error, Does.Contain("the payload's length"));
    }

    [Test]
    public async Task Responder_RequestOverMaxAllowedTransactions_AbortsWithoutOpeningAnyPayload()
    {
        var ledger = Shared(40);
        var b = await StartAsync(B, ledger);
        await using var session = await Network.CreateTransport(A).OpenSessionAsync(B);

        var admitted = await HelloAsync(session);
        await session.SendAsync(RecoveryCodec.EncodeRequest([.. ledger.Take(31).Select(t => t.Id)]));
        var answer = await session.ReceiveAsync();

        Assert.That(admitted[0], Is.EqualTo((byte)ProtocolMessageType.RecoveryAccepted));
        Assert.That(answer!.Value.Span[0], Is.EqualTo((byte)ProtocolMessageType.RecoveryAbort));
        Assert.That(RecoveryCodec.DecodeAbort(answer.Value.Span), Does.Contain("more than the maximum of 30"));
        Assert.That(b.Payloads.TotalOpened, Is.Zero);
    }

    [Test]
    public async Task Responder_VersionOneHelloClaimingAnIdentity_RefusedAsUnsupportedVersion()
    {
        var b = await StartAsync(B, Shared(1));
        await using var session = await Network.CreateTransport(A).OpenSessionAsync(B);
        // Version 1's layout: version, a claimed identity, the maximum message size.
        var hello = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new LedgerSync.Sketches.WireWriter(hello);
        writer.WriteByte((byte)ProtocolMessageType.RecoveryHello);
        writer.WriteVarUInt64(1);
        writer.WriteUtf8String(C.ToString());
        writer.WriteVarUInt64(65536);
        writer.Flush();

        await session.SendAsync(hello.WrittenMemory);
        var answer = RecoveryCodec.DecodeRefused((await session.ReceiveAsync())!.Value.Span);

        Assert.That(answer.Reason, Is.EqualTo(RecoveryRefusalReason.UnsupportedVersion));
        Assert.That(answer.Detail, Does.Contain("version 2, not 1"));
        Assert.That(b.Logs.WithEventId(LedgerSyncEventId.RecoverySessionRefused), Has.Count.EqualTo(1));
        Assert.That(b.Payloads.TotalOpened, Is.Zero);
    }

    [Test]
    public async Task Responder_RequestBeforeHelloOrUnknownMessage_Aborts()
    {
        var ledger = Shared(1);
        var b = await StartAsync(B, ledger);
        await using (var early = await Network.CreateTransport(A).OpenSessionAsync(B))
        {
            await early.SendAsync(RecoveryCodec.EncodeRequest([ledger[0].Id]));
            var answer = await early.ReceiveAsync();
            Assert.That(answer!.Value.Span[0], Is.EqualTo((byte)ProtocolMessageType.RecoveryAbort));
        }

        await using var late = await Network.CreateTransport(A).OpenSessionAsync(B);
        await HelloAsync(late);
        await late.SendAsync(new byte[] { (byte)ProtocolMessageType.RecoveryPayloadChunk, 0 });
        var abort = await late.ReceiveAsync();

        Assert.That(abort!.Value.Span[0], Is.EqualTo((byte)ProtocolMessageType.RecoveryAbort));
        Assert.That(b.Payloads.TotalOpened, Is.Zero);
    }

    [Test]
    public async Task Responder_SecondSessionFromTheSameParty_RefusedAsAlreadyServing()
    {
        var b = await StartAsync(B, Shared(1));
        await using var first = await Network.CreateTransport(A).OpenSessionAsync(B);
        await HelloAsync(first);
        await using var second = await Network.CreateTransport(A).OpenSessionAsync(B);

        var answer = RecoveryCodec.DecodeRefused(await HelloAsync(second));

        Assert.That(answer.Reason, Is.EqualTo(RecoveryRefusalReason.AlreadyServing));
        Assert.That(answer.RetryAfter, Is.GreaterThan(TimeSpan.Zero));
    }

    private static async Task<byte[]> HelloAsync(IPeerSession session)
    {
        await session.SendAsync(RecoveryCodec.EncodeHello(new RecoveryHelloMessage(RecoveryCodec.CurrentVersion, 65536)));
        var answer = await session.ReceiveAsync();
        return answer!.Value.ToArray();
    }

    private sealed class ScriptedHandler(Func<IPeerSession, Task> script) : IInboundSessionHandler
    {
        public Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default) => script(session);
    }
}
