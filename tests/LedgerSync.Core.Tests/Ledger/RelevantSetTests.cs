using System.Collections.Concurrent;
using LedgerSync.Ledger;
using static LedgerSync.Tests.Ledger.LedgerTestData;

namespace LedgerSync.Tests.Ledger;

public sealed class RelevantSetTests
{
    private LedgerGraph _graph = null!;

    [SetUp]
    public void SetUp() => _graph = NewGraph();

    [Test]
    public void GetRelevantSet_SharedTransactions_IncludesThemAndTheirBackChainOnly()
    {
        _graph.Record(Tx(1, [], PartyC));            // back-chain of a shared transaction
        _graph.Record(Tx(2, [1], Local, PartyB));    // shared
        _graph.Record(Tx(3, [], Local, PartyC));     // not shared with B
        _graph.Record(Tx(4, [3], PartyB));           // B only

        var set = _graph.GetRelevantSet(PartyB);

        Assert.That(set.Snapshot(), Is.EquivalentTo(new[] { Id(1), Id(2) }));
        Assert.That(set.Count, Is.EqualTo(2));
        Assert.That(set.Contains(Id(1)), Is.True);
        Assert.That(set.Contains(Id(3)), Is.False);
        Assert.That(set.Counterparty, Is.EqualTo(PartyB));
    }

    [Test]
    public void GetRelevantSet_SameCounterpartyTwice_ReturnsCachedSet()
    {
        Assert.That(_graph.GetRelevantSet(PartyB), Is.SameAs(_graph.GetRelevantSet(PartyName.Parse("C=CA,L=Ottawa,O=PartyB"))));
    }

    [Test]
    public void GetRelevantSet_NoLocalParty_ThrowsConfigurationException()
    {
        var graph = new LedgerGraph(new LedgerSyncOptions());

        Assert.That(() => graph.GetRelevantSet(PartyB),
            Throws.TypeOf<LedgerSyncConfigurationException>().With.Property(nameof(LedgerSyncConfigurationException.Key)).EqualTo("LocalParty"));
    }

    [Test]
    public void GetRelevantSet_RandomLedgers_MatchesDirectComputation([Range(1, 10)] int seed)
    {
        var ledger = RandomLedger(seed, count: 600);
        foreach (var transaction in ledger)
        {
            _graph.Record(transaction);
        }

        var counterparty = Party(1 + (seed % 4));
        Assert.That(_graph.GetRelevantSet(counterparty).Snapshot(), Is.EquivalentTo(ExpectedRelevantSet(ledger, Local, counterparty)));
    }

    [Test]
    public void GetRelevantSet_KeptCurrentWhileRecordingInAnyOrder_MatchesDirectComputation([Range(1, 10)] int seed)
    {
        var random = new Random(seed);
        var ledger = RandomLedger(seed, count: 600);
        var shuffled = ledger.OrderBy(_ => random.Next()).ToList();
        var counterparty = Party(1 + (seed % 4));
        var split = random.Next(shuffled.Count);
        foreach (var transaction in shuffled.Take(split))
        {
            _graph.Record(transaction);
        }

        var set = _graph.GetRelevantSet(counterparty);
        foreach (var transaction in shuffled.Skip(split))
        {
            _graph.Record(transaction);
        }

        Assert.That(set.Snapshot(), Is.EquivalentTo(ExpectedRelevantSet(ledger, Local, counterparty)));
        Assert.That(set.Count, Is.EqualTo(set.Snapshot().Count));
    }

    [Test]
    public void GetRelevantSet_DependencyRecordedAfterDependant_JoinsWithItsBackChain()
    {
        _graph.Record(Tx(3, [2], Local, PartyB));
        var set = _graph.GetRelevantSet(PartyB);
        Assert.That(set.Snapshot(), Is.EquivalentTo(new[] { Id(3) }));

        _graph.Record(Tx(1, [], PartyC));
        _graph.Record(Tx(2, [1], PartyC));

        Assert.That(set.Snapshot(), Is.EquivalentTo(new[] { Id(1), Id(2), Id(3) }));
    }

    [Test]
    public void Subscribe_ExistingAndLaterMembers_EachReportedOnce()
    {
        _graph.Record(Tx(1, [], Local, PartyB));
        var set = _graph.GetRelevantSet(PartyB);
        var observer = new RecordingObserver();

        using (set.Subscribe(observer))
        {
            _graph.Record(Tx(2, [1], Local, PartyB));
            _graph.Record(Tx(3, [], Local, PartyC));
        }

        _graph.Record(Tx(4, [], Local, PartyB));

        Assert.That(observer.Ids, Is.EqualTo(new[] { Id(1), Id(2) }));
    }

    [Test]
    public async Task Subscribe_WhileOtherThreadsRecord_NoMemberMissedOrReportedTwice()
    {
        var ledger = RandomLedger(seed: 42, count: 20_000, partyCount: 3);
        var set = _graph.GetRelevantSet(Party(1));
        var observer = new RecordingObserver();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = w; i < ledger.Count; i += 4)
            {
                _graph.Record(ledger[i]);
            }
        })).ToArray();

        await Task.Delay(1);
        using var subscription = set.Subscribe(observer);
        await Task.WhenAll(writers);

        var observed = observer.Ids.Order().ToList();
        Assert.That(observed.Distinct().Count(), Is.EqualTo(observed.Count), "a member was reported twice");
        Assert.That(observed, Is.EqualTo(ExpectedRelevantSet(ledger, Local, Party(1)).Order()));
    }

    [Test]
    public void Subscribe_ObserverThrows_RecordingGoesOn()
    {
        var set = _graph.GetRelevantSet(PartyB);
        var observer = new RecordingObserver();
        using var failing = set.Subscribe(new ThrowingObserver());
        using var recording = set.Subscribe(observer);

        _graph.Record(Tx(1, [], Local, PartyB));

        Assert.That(_graph.Contains(Id(1)), Is.True);
        Assert.That(observer.Ids, Is.EqualTo(new[] { Id(1) }));
    }

    private sealed class RecordingObserver : IRelevantSetObserver
    {
        private readonly ConcurrentQueue<TransactionId> _ids = new();

        public IReadOnlyCollection<TransactionId> Ids => [.. _ids];

        public void OnAdded(TransactionId id) => _ids.Enqueue(id);
    }

    private sealed class ThrowingObserver : IRelevantSetObserver
    {
        public void OnAdded(TransactionId id) => throw new InvalidOperationException("observer failure");
    }
}
