using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Protocol;

/// <summary>The reconciliation protocol between two hosts over real HTTPS (Kestrel on 127.0.0.1, random ports).</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class HttpReconciliationTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private TestPki _pki = null!;
    private readonly List<HttpNode> _nodes = [];

    [SetUp]
    public void SetUp()
    {
        _pki = new TestPki();
        _nodes.Clear();
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _pki.Dispose();
    }

    [Test]
    public async Task ReconcileAsync_TwoHostsOverHttps_RequesterLearnsExactlyTheSharedTransactionsItLacks()
    {
        var ledger = new TestLedger(seed: 7);
        var shared = ledger.Transactions(2_000, PartyA, PartyB);
        var lostByA = ledger.Transactions(150, PartyA, PartyB);
        var onlyA = ledger.Transactions(20, PartyA, PartyB);
        var privateToB = ledger.Transactions(300, PartyB, PartyC);
        var b = await StartAsync(PartyB, [.. shared, .. lostByA, .. privateToB]);
        var a = await StartAsync(PartyA, [.. shared, .. onlyA]);
        a.Knows(b);

        var result = await ReconcileAsync(a, PartyB);

        Assert.Multiple(() =>
        {
            Assert.That(result.Missing, Is.EquivalentTo(lostByA.Select(t => t.Id)));
            Assert.That(result.LocalOnlyCount, Is.EqualTo(onlyA.Count));
            Assert.That(result.BytesSent + result.BytesReceived, Is.LessThan(64 * 1024));
        });
    }

    [Test]
    public async Task ReconcileAsync_ConfiguredAsAnotherPartyThanTheCertificate_IsServedAsTheCertificatesParty()
    {
        var ledger = new TestLedger(seed: 8);
        var withA = ledger.Transactions(100, PartyA, PartyB);
        var b = await StartAsync(PartyB, withA);
        // A holds a valid, trusted certificate for PartyA but is configured as PartyC. (A's own start-up check refuses
        // that configuration; it is removed here.) Version 3 hellos carry no identity: B serves the party TLS
        // authenticated, so A learns A's relevant set and nothing C may see.
        var a = await StartAsync(PartyA, [], localParty: PartyC, configureServices: services =>
            services.RemoveAll(d => d.ImplementationType?.Name == "LedgerSyncHttpOptionsSetupValidator"));
        a.Knows(b);

        var result = await ReconcileAsync(a, PartyB);

        Assert.That(result.Missing, Is.EquivalentTo(withA.Select(t => t.Id)));
    }

    [Test]
    public async Task ReconcileAsync_TwentyConcurrentRunsFromOneParty_OneAdmittedRestRefusedAsAlreadyRespondingThenSucceedOnRetry()
    {
        var ledger = new TestLedger(seed: 9);
        var shared = ledger.Transactions(500, PartyA, PartyB);
        var lost = ledger.Transactions(40, PartyA, PartyB);
        // The admitted run is held until the test lets it go, so every other concurrent request meets it.
        var gate = new GatedAdmission(admittedToHold: 1, refusalsBeforeRelease: int.MaxValue);
        // The endpoint's per-party and per-connection session limits are raised so the responder's rule is what refuses.
        var b = await StartAsync(PartyB, [.. shared, .. lost], pool: 3, maxSessionsPerParty: 20, configureServices: services =>
        {
            services.RemoveAll(d => d.ServiceType == typeof(IIncomingReconciliationAdmission));
            services.AddSingleton(sp => gate.Wrap(new StandaloneIncomingReconciliationAdmission(
                sp.GetRequiredService<IOptions<LedgerSyncOptions>>(), sp.GetRequiredService<ReconciliationRunRegistry>())));
        });
        var a = await StartAsync(PartyA, shared);
        a.Knows(b);

        var attempts = Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                return (Result: await ReconcileAsync(a, PartyB), Error: (Exception?)null);
            }
            catch (Exception e)
            {
                return (Result: (ReconciliationResult?)null, Error: e);
            }
        }).ToList();
        var pending = attempts.ToList();
        while (pending.Count > 1)
        {
            pending.Remove(await Task.WhenAny(pending).WaitAsync(Generous));
        }

        gate.Release();
        var first = await Task.WhenAll(attempts).WaitAsync(Generous);

        var admitted = first.Where(r => r.Result is not null).ToList();
        var refused = first.Where(r => r.Error is not null).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(gate.Admitted, Is.EqualTo(1));
            Assert.That(admitted, Has.Count.EqualTo(1));
            Assert.That(admitted.Select(r => r.Result!.Missing), Has.All.EquivalentTo(lost.Select(t => t.Id)));
            Assert.That(refused, Has.Count.EqualTo(19));
            Assert.That(refused.Select(r => r.Error), Has.All.TypeOf<IncomingReconciliationInProgressException>());
        });

        // The refused ones retry with jittered back-off (as the scheduler does: the refusal is a "busy" one) and succeed.
        var retried = new List<ReconciliationResult>();
        foreach (var (_, i) in refused.Select((r, i) => (r, i)).Take(3))
        {
            retried.Add(await RetryWhileBusyAsync(a, PartyB, seed: i).WaitAsync(Generous));
        }

        Assert.That(retried.Select(r => r.Missing), Has.All.EquivalentTo(lost.Select(t => t.Id)));
    }

    [Test]
    public async Task ReconcileAsync_ResponderStallsMidSession_FailsWithSessionTimeoutWithinTheTimeout()
    {
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct); // the hello; then nothing more, as a hung node would
            await Task.Delay(Timeout.Infinite, ct);
        });
        var b = await HttpNode.StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        _nodes.Add(b);
        var a = await StartAsync(PartyA, new TestLedger(seed: 10).Transactions(10, PartyA, PartyB), sessionTimeout: TimeSpan.FromSeconds(2));
        a.Knows(b);
        var registry = a.Services.GetRequiredService<ReconciliationRunRegistry>();

        var watch = Stopwatch.StartNew();
        Assert.That(async () => await ReconcileAsync(a, PartyB), Throws.TypeOf<PeerSessionTimeoutException>()
            .With.Property(nameof(PeerSessionTimeoutException.Party)).EqualTo(PartyB));
        watch.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)).And.LessThan(TimeSpan.FromSeconds(30)));
            Assert.That(registry.Snapshot(), Is.Empty, "the failed run is no longer in flight");
        });
    }

    [Test]
    public async Task ReconcileAsync_ResponderHostDiesMidSession_FailsWithConnectionError()
    {
        HttpNode? b = null;
        var hello = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct);
            hello.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        b = await HttpNode.StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        _nodes.Add(b);
        var a = await StartAsync(PartyA, new TestLedger(seed: 11).Transactions(10, PartyA, PartyB));
        a.Knows(b);

        var run = ReconcileAsync(a, PartyB);
        await hello.Task.WaitAsync(Generous);
        await b.Listener.DisposeAsync();

        Assert.That(async () => await run.WaitAsync(Generous), Throws.InstanceOf<LedgerSyncException>());
    }

    private async Task<HttpNode> StartAsync(
        PartyName party,
        IReadOnlyCollection<TransactionMetadata> transactions,
        PartyName? localParty = null,
        int pool = 3,
        TimeSpan? sessionTimeout = null,
        Action<IServiceCollection>? configureServices = null,
        int? maxSessionsPerParty = null)
    {
        var node = await HttpNode.StartAsync(
            party,
            _pki.Issue(party),
            [_pki.Root],
            configureCore: o =>
            {
                o.LocalParty = localParty ?? party;
                o.MaxNumberOfParallelReconciliationRequests = pool;
                o.SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(30);
            },
            configureHttp: o =>
            {
                if (maxSessionsPerParty is { } limit)
                {
                    o.MaxSessionsPerParty = limit;
                    o.MaxSessionsPerConnection = limit;
                }
            },
            configureServices: configureServices,
            configureLedgerSync: builder => builder.UseTransactionSource(new InMemoryTransactionSource(transactions)));
        _nodes.Add(node);
        var graph = node.Services.GetRequiredService<ILedgerGraph>();
        await graph.WhenInitializedAsync().WaitAsync(Generous);

        Assert.That(graph.IsInitialized, Is.True, "the ledger graph loaded at start");
        return node;
    }

    private static async Task<ReconciliationResult> RetryWhileBusyAsync(HttpNode node, PartyName counterparty, int seed)
    {
        var random = new Random(seed);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return await ReconcileAsync(node, counterparty);
            }
            catch (MaxIncomingSessionsExceededException)
            {
                await Task.Delay(delay * (0.5 + random.NextDouble()));
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
        }
    }

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

    /// <summary>Random transactions between parties, from a fixed seed.</summary>
    private sealed class TestLedger(int seed)
    {
        private readonly Random _random = new(seed);

        public List<TransactionMetadata> Transactions(int count, params PartyName[] participants) =>
            [.. Enumerable.Range(0, count).Select(_ => new TransactionMetadata(TransactionId.Random(_random), [], [.. participants]))];
    }
}
