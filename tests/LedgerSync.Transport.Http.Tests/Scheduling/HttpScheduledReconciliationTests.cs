using System.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Scheduling;

/// <summary>Scheduled reconciliations (flows, scheduler, status store) between hosts over real HTTPS.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class HttpScheduledReconciliationTests : HttpNodeTests
{
    [Test]
    public async Task Schedule_TwentyRequestersAgainstPoolOfThree_ThreeAdmittedSeventeenBusyAndAllSucceedOnRetry()
    {
        var random = new Random(20);
        var requesters = Enumerable.Range(1, 20).Select(i => PartyName.Parse($"O=Requester{i:D2}, L=London, C=GB")).ToList();
        var shared = requesters.ToDictionary(p => p, p => Transactions(random, 50, p, PartyB));
        var lost = requesters.ToDictionary(p => p, p => Transactions(random, 5, p, PartyB));
        var gate = new GatedAdmission(admittedToHold: 3, refusalsBeforeRelease: 17);
        var b = await StartAsync(PartyB, [.. requesters.SelectMany(p => shared[p].Concat(lost[p]))], pool: 3, listen: true,
            configureServices: services => services.Decorate<IIncomingReconciliationAdmission>(gate.Wrap));
        var nodes = await Task.WhenAll(requesters.Select(requester => StartAsync(requester, shared[requester], pool: 3, listen: false)));
        foreach (var node in nodes)
        {
            node.Knows(b);
        }

        await Task.WhenAll(nodes.Select(n => Flows(n).ScheduleReconciliationAsync([PartyB])));

        var statuses = await Task.WhenAll(nodes.Select(n => WaitForEndAsync(n, PartyB)));
        Assert.Multiple(() =>
        {
            Assert.That(gate.Admitted, Is.EqualTo(20), "every requester was admitted in the end");
            Assert.That(gate.Refused, Is.GreaterThanOrEqualTo(17), "the first wave beyond the pool was refused as busy");
            for (var i = 0; i < requesters.Count; i++)
            {
                Assert.That(statuses[i].LastReconciliationStatus, Is.EqualTo(ReconciliationState.DifferencesFound), statuses[i].LastReconciliationError);
                Assert.That(statuses[i].LastSuccessfulReconciliationResult, Is.EquivalentTo(lost[requesters[i]].Select(t => t.Id)));
            }
        });
    }

    [Test]
    public async Task Schedule_ResponderStallsMidSession_RunTurnsFailedWithinTheSessionTimeout()
    {
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct); // the hello; then silence, as a hung node
            await Task.Delay(Timeout.Infinite, ct);
        });
        var b = await HttpNode.StartAsync(PartyB, Pki.Issue(PartyB), [Pki.Root], handler);
        Nodes.Add(b);
        var a = await StartAsync(PartyA, Transactions(new Random(3), 10, PartyA, PartyB), pool: 3, listen: false, sessionTimeout: TimeSpan.FromSeconds(2));
        a.Knows(b);

        var watch = Stopwatch.StartNew();
        await Flows(a).ScheduleReconciliationAsync([PartyB]);
        var status = await WaitForEndAsync(a, PartyB);
        watch.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(status.LastReconciliationStatus, Is.EqualTo(ReconciliationState.Failed));
            Assert.That(status.LastReconciliationError, Does.Contain(PartyB.ToString()));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        });
    }

    private static ReconciliationFlows Flows(HttpNode node) => node.Services.GetRequiredService<ReconciliationFlows>();

    private static async Task<ReconciliationStatus> WaitForEndAsync(HttpNode node, PartyName counterparty)
    {
        var flows = Flows(node);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Generous)
        {
            var status = await flows.GetReconciliationStatusForPartyAsync(counterparty, isRequester: true);
            if (status?.LastReconciliationStatus is { } state && state != ReconciliationState.InProgress)
            {
                return status;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{node.Party}'s reconciliation with {counterparty} did not end within {Generous}.");
    }

    private async Task<HttpNode> StartAsync(
        PartyName party,
        IReadOnlyCollection<TransactionMetadata> transactions,
        int pool,
        bool listen,
        TimeSpan? sessionTimeout = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var node = await HttpNode.StartAsync(
            party,
            Pki.Issue(party),
            [Pki.Root],
            configureCore: o =>
            {
                o.MaxNumberOfParallelReconciliationRequests = pool;
                o.SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(30);
                o.RetryInitialDelay = TimeSpan.FromMilliseconds(50);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(500);
            },
            configureServices: configureServices,
            listen: listen,
            configureLedgerSync: builder => builder.UseTransactionSource(new InMemoryTransactionSource(transactions)));
        lock (Nodes)
        {
            Nodes.Add(node);
        }

        var graph = node.Services.GetRequiredService<ILedgerGraph>();
        await graph.WhenInitializedAsync().WaitAsync(Generous);

        return node;
    }

    private static List<TransactionMetadata> Transactions(Random random, int count, params PartyName[] participants) =>
        [.. Enumerable.Range(0, count).Select(_ => new TransactionMetadata(TransactionId.Random(random), [], [.. participants]))];
}
