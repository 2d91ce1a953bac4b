using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Tests.Support;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.DependencyInjection;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Protocol;

/// <summary>
/// One authenticated attacker against a responder with a pool of 3: slot-holders (hello, then silence), tricklers (a
/// frame fed a byte at a time) and a reconnect flood (a new connection and a hello, dropped at once), all at the same
/// time, while an honest peer reconciles in a loop. The honest peer's success rate is the figure.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class FairnessTests
{
    private static readonly TimeSpan AttackDuration = TimeSpan.FromSeconds(15);

    private TestPki _pki = null!;
    private readonly List<IAsyncDisposable> _disposables = [];

    [SetUp]
    public void SetUp()
    {
        _pki = new TestPki();
        _disposables.Clear();
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        _pki.Dispose();
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task ReconcileAsync_OneAttackerHoldsTricklesAndFloodsPoolOfThree_HonestPeerSucceedsAtLeastNinetyPercent()
    {
        var random = new Random(11);
        var withA = Transactions(random, 300, PartyA, PartyB);
        var withC = Transactions(random, 300, PartyB, PartyC);
        var lostByC = Transactions(random, 25, PartyB, PartyC);
        var b = await StartAsync(PartyB, [.. withA, .. withC, .. lostByC], listen: true);
        var a = await StartAsync(PartyA, withA, listen: false);
        var c = await StartAsync(PartyC, withC, listen: false);
        a.Knows(b);
        c.Knows(b);
        var endpoint = new Uri(b.Address, LedgerSyncHttpOptions.DefaultPath);
        var hello = ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, withA.Count));
        using var stop = new CancellationTokenSource(AttackDuration);
        var attackerSessions = 0;
        var attackerHoldsSlots = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        void AttackerOpenedSession()
        {
            if (Interlocked.Increment(ref attackerSessions) >= 3)
            {
                attackerHoldsSlots.TrySetResult(); // as many attacker sessions as the pool has slots
            }
        }

        async Task SlotHolderAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var session = await a.Transport.OpenSessionAsync(PartyB, stop.Token);
                    AttackerOpenedSession();
                    await session.SendAsync(hello, stop.Token);
                    while (await session.ReceiveAsync(stop.Token) is not null)
                    {
                        // Read what the responder sends, never answer: hold the slot until the responder gives up.
                    }
                }
                catch (Exception e) when (e is LedgerSyncException or OperationCanceledException)
                {
                    await Pause(50);
                }
            }
        }

        async Task TricklerAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var client = new RawSessionClient(_pki.Issue(PartyA));
                    using var response = await client.PostAsync(endpoint, async (body, ct) =>
                    {
                        await body.WriteAsync(RawSessionClient.Preamble, ct);
                        await body.WriteAsync(RawSessionClient.Frame(hello), ct);
                        await body.WriteAsync(new byte[] { 0, 0, 0x04, 0 }, ct); // a 1 KiB frame ...
                        for (var i = 0; i < 1024 && !ct.IsCancellationRequested; i++)
                        {
                            await body.WriteAsync(new byte[] { 1 }, ct); // ... a byte at a time
                            await body.FlushAsync(ct);
                            await Task.Delay(200, ct);
                        }
                    }, cancellationToken: stop.Token);
                    AttackerOpenedSession();
                    var stream = await response.Content.ReadAsStreamAsync(stop.Token);
                    await stream.CopyToAsync(Stream.Null, stop.Token);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
                {
                    await Pause(50);
                }
            }
        }

        async Task ReconnectFloodAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var client = new RawSessionClient(_pki.Issue(PartyA));
                    using var response = await client.PostAsync(endpoint, async (body, ct) =>
                    {
                        await body.WriteAsync(RawSessionClient.Preamble, ct);
                        await body.WriteAsync(RawSessionClient.Frame(hello), ct);
                        await body.FlushAsync(ct);
                    }, cancellationToken: stop.Token);
                    AttackerOpenedSession();
                }
                catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
                {
                    await Pause(10);
                }
            }
        }

        var attack = new List<Task>();
        attack.AddRange(Enumerable.Range(0, 3).Select(_ => Task.Run(SlotHolderAsync)));
        attack.AddRange(Enumerable.Range(0, 3).Select(_ => Task.Run(TricklerAsync)));
        attack.Add(Task.Run(ReconnectFloodAsync));
        await attackerHoldsSlots.Task.WaitAsync(AttackDuration); // the attacker takes the slots first

        var attempts = 0;
        var successes = 0;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            attempts++;
            try
            {
                var result = await ReconcileAsync(c, PartyB);
                Assert.That(result.Missing, Is.EquivalentTo(lostByC.Select(t => t.Id)));
                successes++;
            }
            catch (LedgerSyncException e)
            {
                failures.Add($"{e.GetType().Name}: {e.Message}");
            }

            await Pause(100);
        }

        await Task.WhenAll(attack);
        var rate = (double)successes / attempts;
        TestContext.Out.WriteLine(
            $"fairness: pool 3, session timeout 2 s; attacker opened {attackerSessions} sessions in {clock.Elapsed.TotalSeconds:F1} s; honest peer {successes}/{attempts} runs succeeded ({rate:P1})");
        foreach (var failure in failures.Distinct())
        {
            TestContext.Out.WriteLine($"  honest failure: {failure}");
        }

        Assert.That(attempts, Is.GreaterThanOrEqualTo(10));
        Assert.That(rate, Is.GreaterThanOrEqualTo(0.9));

        static async Task Pause(int milliseconds)
        {
            try
            {
                await Task.Delay(milliseconds);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    private static List<TransactionMetadata> Transactions(Random random, int count, params PartyName[] participants) =>
        [.. Enumerable.Range(0, count).Select(_ => new TransactionMetadata(TransactionId.Random(random), [], [.. participants]))];

    private static async Task<ReconciliationResult> ReconcileAsync(HttpNode node, PartyName counterparty)
    {
        var registry = node.Services.GetRequiredService<ReconciliationRunRegistry>();
        var initiator = node.Services.GetRequiredService<IReconciliationInitiator>();
        using var tracker = registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, counterparty, ReconciliationRole.Requester);
        try
        {
            var result = await initiator.ReconcileAsync(new ReconciliationRequest(counterparty, tracker.RunId, tracker), CancellationToken.None);
            tracker.End(result.State, result.Missing.Count);
            return result;
        }
        catch (Exception e)
        {
            tracker.End(ReconciliationState.Failed, 0, e.Message);
            throw;
        }
    }

    private async Task<HttpNode> StartAsync(PartyName party, IReadOnlyCollection<TransactionMetadata> transactions, bool listen)
    {
        var node = await HttpNode.StartAsync(
            party,
            _pki.Issue(party),
            [_pki.Root],
            configureCore: o =>
            {
                o.MaxNumberOfParallelReconciliationRequests = 3;
                o.SessionTimeout = TimeSpan.FromSeconds(2);
            },
            configureHttp: o => o.HelloTimeout = TimeSpan.FromSeconds(1),
            listen: listen,
            configureLedgerSync: builder => builder.UseTransactionSource(new InMemoryTransactionSource(transactions)));
        _disposables.Add(node);
        // The honest peer's runs are the figure: start them only once every ledger graph has loaded, so none is refused
        // "not ready" because the test began while a graph still loaded.
        await node.Services.GetRequiredService<ILedgerGraph>().WhenInitializedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return node;
    }
}
