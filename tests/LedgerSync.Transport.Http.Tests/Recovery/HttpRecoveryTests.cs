using System.Diagnostics;
using System.Text;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Testing.Logging;
using LedgerSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Recovery;

/// <summary>Recovery between two hosts over real HTTPS: the recovery hello passes the endpoint's admission, payloads larger than a message arrive whole.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class HttpRecoveryTests : HttpNodeTests
{
    [Test]
    public async Task RecoverTransactions_OverHttps_ChunkedPayloadsRecoveredAndIdsOutsideTheSetRefused()
    {
        var random = new Random(16);
        var shared = Enumerable.Range(0, 40).Select(_ => new TransactionMetadata(TransactionId.Random(random), [], [PartyA, PartyB])).ToList();
        var notForA = Enumerable.Range(0, 3).Select(_ => new TransactionMetadata(TransactionId.Random(random), [], [PartyB, PartyC])).ToList();
        var payloads = new InMemoryTransactionPayloadSource();
        foreach (var transaction in shared.Concat(notForA))
        {
            payloads.Add(transaction.Id, Codec.Encode(transaction, padding: 20_000));
        }

        var sink = new InMemoryRecoveredTransactionSink();
        var logsB = new FakeLoggerProvider();
        var b = await StartAsync(PartyB, [.. shared, .. notForA], listen: true, builder =>
        {
            builder.UseTransactionPayloadSource(payloads);
            builder.Services.AddSingleton<ILoggerProvider>(logsB);
        });
        var a = await StartAsync(PartyA, [], listen: false, builder => builder.UseRecoveredTransactionSink(sink));
        a.Knows(b);
        var flows = a.Services.GetRequiredService<LedgerSync.Flows.RecoveryFlows>();

        var queued = await flows.RecoverTransactionsAsync(PartyB, [.. shared.Concat(notForA).Select(t => t.Id)]);
        var ended = await WaitForEndAsync(flows, PartyB);

        Assert.That(ended.State, Is.EqualTo(RecoveryState.Finished), ended.Error);
        Assert.That((ended.RecoveredCount, ended.RefusedCount, ended.RejectedCount), Is.EqualTo((40, 3, 0)));
        Assert.That(sink.Stored.Keys, Is.EquivalentTo(shared.Select(t => t.Id)));
        Assert.That(sink.Stored[shared[7].Id], Is.EqualTo(Codec.Encode(shared[7], padding: 20_000)));
        Assert.That(queued.RequestedCount, Is.EqualTo(43));

        // The requester ends each session cleanly and waits for B's end before it finishes, so by now B has logged
        // every session it served, and none as failed (no "connection closed or reset while receiving").
        Assert.That(logsB.Collector.WithEventId(LedgerSyncEventId.RecoverySessionAdmitted), Is.Not.Empty, "B served the recovery");
        Assert.That(logsB.Collector.WithEventId(LedgerSyncEventId.RecoverySessionFailed).Select(e => e.Message), Is.Empty);
    }

    private static async Task<RecoveryStatus> WaitForEndAsync(LedgerSync.Flows.RecoveryFlows flows, PartyName party)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Generous)
        {
            if (await flows.GetRecoveryStatusForPartyAsync(party) is { } status && status.State.IsEnded())
            {
                return status;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the recovery did not end");
    }

    private async Task<HttpNode> StartAsync(PartyName party, IReadOnlyCollection<TransactionMetadata> transactions, bool listen, Action<ILedgerSyncBuilder> configure)
    {
        var node = await HttpNode.StartAsync(
            party,
            Pki.Issue(party),
            [Pki.Root],
            configureCore: o =>
            {
                o.MaxMessageSize = 8192;
                o.RetryInitialDelay = TimeSpan.FromMilliseconds(50);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(500);
            },
            listen: listen,
            configureLedgerSync: builder =>
            {
                builder.UseTransactionSource(new InMemoryTransactionSource(transactions)).UseTransactionDecoder(Codec.Instance);
                configure(builder);
            });
        Nodes.Add(node);
        var graph = node.Services.GetRequiredService<ILedgerGraph>();
        await graph.WhenInitializedAsync().WaitAsync(Generous);
        return node;
    }

    /// <summary>A host format for the test: "id|party;party|padding".</summary>
    private sealed class Codec : ITransactionDecoder
    {
        public static Codec Instance { get; } = new();

        public static byte[] Encode(TransactionMetadata transaction, int padding) =>
            Encoding.UTF8.GetBytes($"{transaction.Id}|{string.Join(";", transaction.Participants)}|{new string('p', padding)}");

        public TransactionMetadata Decode(ReadOnlyMemory<byte> bytes)
        {
            var parts = Encoding.UTF8.GetString(bytes.Span).Split('|');
            return new TransactionMetadata(TransactionId.Parse(parts[0]), [], [.. parts[1].Split(';').Select(PartyName.Parse)]);
        }
    }
}
