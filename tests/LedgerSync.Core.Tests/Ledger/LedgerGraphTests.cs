using LedgerSync.Ledger;
using static LedgerSync.Tests.Ledger.LedgerTestData;

namespace LedgerSync.Tests.Ledger;

public sealed class LedgerGraphTests
{
    private LedgerGraph _graph = null!;

    [SetUp]
    public void SetUp() => _graph = NewGraph();

    private async Task LoadAsync(IEnumerable<TransactionMetadata> transactions) =>
        await _graph.InitializeAsync(new InMemoryTransactionSource(transactions));

    [Test]
    public void Record_NewTransaction_IsContainedAndCounted()
    {
        _graph.Record(Tx(1, [], Local, PartyB));

        Assert.That(_graph.Contains(Id(1)), Is.True);
        Assert.That(_graph.Contains(Id(2)), Is.False);
        Assert.That(_graph.Count, Is.EqualTo(1));
    }

    [Test]
    public void Record_DependencyNotHeld_IsNotContainedButCountedMissing()
    {
        _graph.Record(Tx(2, [1], Local));

        Assert.That(_graph.Contains(Id(1)), Is.False);
        Assert.That(_graph.Count, Is.EqualTo(1));
        Assert.That(_graph.MissingCount, Is.EqualTo(1));
    }

    [Test]
    public void Record_SameMetadataTwice_CountedOnceWithoutError()
    {
        _graph.Record(Tx(1, [], Local, PartyB));
        _graph.Record(Tx(2, [1], PartyB, Local));
        _graph.Record(Tx(2, [1, 1], Local, PartyB, Local));

        Assert.That(_graph.Count, Is.EqualTo(2));
        Assert.That(_graph.Errors, Is.Empty);
    }

    [Test]
    public async Task Record_SameIdWithDifferentMetadata_ReportsDuplicateNamingTransaction()
    {
        _graph.Record(Tx(1, [], Local));
        _graph.Record(Tx(2, [1], Local));
        _graph.Record(Tx(2, [], Local));
        _graph.Record(Tx(1, [], Local, PartyB));
        await LoadAsync([]);

        Assert.That(_graph.IsSelfConsistent, Is.False);
        Assert.That(_graph.Errors.Select(e => (e.TransactionId, e.Kind)), Is.EquivalentTo(new[]
        {
            (Id(2), LedgerGraphErrorKind.DuplicateWithDifferentMetadata),
            (Id(1), LedgerGraphErrorKind.DuplicateWithDifferentMetadata),
        }));
        Assert.That(_graph.Errors[0].Message, Does.Contain(Id(2).ToString()));
    }

    [Test]
    public void Record_NullParticipant_ThrowsArgumentException()
    {
        var transaction = new TransactionMetadata(Id(1), [], [Local, null!]);

        Assert.That(() => _graph.Record(transaction), Throws.ArgumentException.With.Message.Contains(Id(1).ToString()));
        Assert.That(_graph.Count, Is.Zero);
    }

    [Test]
    public void Record_DefaultArrays_TreatedAsEmpty()
    {
        _graph.Record(new TransactionMetadata(Id(1), default, default));

        Assert.That(_graph.TryGetTransaction(Id(1), out var stored), Is.True);
        Assert.That(stored!.Dependencies, Is.Empty);
        Assert.That(stored.Participants, Is.Empty);
    }

    [Test]
    public void TryGetTransaction_Recorded_ReturnsSameMetadata()
    {
        _graph.Record(Tx(1, [], Local));
        _graph.Record(Tx(3, [1, 2], PartyC, Local, PartyB));

        Assert.That(_graph.TryGetTransaction(Id(3), out var stored), Is.True);
        Assert.That(stored!.Dependencies, Is.EqualTo(new[] { Id(1), Id(2) }));
        Assert.That(stored.Participants, Is.EquivalentTo(new[] { Local, PartyB, PartyC }));
        Assert.That(_graph.TryGetTransaction(Id(2), out _), Is.False);
    }

    [Test]
    public void IsSelfConsistent_BeforeInitialization_IsFalse()
    {
        _graph.Record(Tx(1, [], Local));

        Assert.That(_graph.IsInitialized, Is.False);
        Assert.That(_graph.IsSelfConsistent, Is.False);
    }

    [Test]
    public async Task InitializeAsync_ConsistentLedger_IsInitializedAndSelfConsistent()
    {
        await LoadAsync(RandomLedger(seed: 1, count: 500));

        Assert.That(_graph.IsInitialized, Is.True);
        Assert.That(_graph.IsSelfConsistent, Is.True);
        Assert.That(_graph.Errors, Is.Empty);
        Assert.That(_graph.Count, Is.EqualTo(500));
    }

    [Test]
    public async Task InitializeAsync_MissingDependency_ReportsErrorNamingDependantAndDependency()
    {
        await LoadAsync([Tx(1, [], Local), Tx(3, [1, 2], Local)]);

        Assert.That(_graph.IsSelfConsistent, Is.False);
        var error = _graph.Errors.Single();
        Assert.That(error.Kind, Is.EqualTo(LedgerGraphErrorKind.MissingDependency));
        Assert.That(error.TransactionId, Is.EqualTo(Id(3)));
        Assert.That(error.Message, Does.Contain(Id(3).ToString()).And.Contain(Id(2).ToString()));
    }

    [Test]
    public async Task InitializeAsync_DependenciesAfterDependants_NoStaleMissingErrors()
    {
        var ledger = RandomLedger(seed: 2, count: 1000);
        ledger.Reverse();

        await LoadAsync(ledger);

        Assert.That(_graph.Errors, Is.Empty);
        Assert.That(_graph.IsSelfConsistent, Is.True);
        Assert.That(_graph.MissingCount, Is.Zero);
    }

    [Test]
    public async Task Record_MissingDependencyArrivesAfterInitialization_BecomesSelfConsistent()
    {
        await LoadAsync([Tx(2, [1], Local)]);
        Assert.That(_graph.IsSelfConsistent, Is.False);

        _graph.Record(Tx(1, [], Local));

        Assert.That(_graph.IsSelfConsistent, Is.True);
        Assert.That(_graph.Errors, Is.Empty);
    }

    [Test]
    public async Task InitializeAsync_Cycle_ReportsEveryMemberAndNotTheDependant()
    {
        await LoadAsync([Tx(1, [3], Local), Tx(2, [1], Local), Tx(3, [2], Local), Tx(4, [3], Local), Tx(5, [], Local)]);

        Assert.That(_graph.IsSelfConsistent, Is.False);
        Assert.That(_graph.Errors.Where(e => e.Kind == LedgerGraphErrorKind.DependencyCycle).Select(e => e.TransactionId),
            Is.EquivalentTo(new[] { Id(1), Id(2), Id(3) }));
        Assert.That(_graph.Errors, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task InitializeAsync_SelfDependency_ReportsCycle()
    {
        await LoadAsync([Tx(1, [1], Local)]);

        var error = _graph.Errors.Single();
        Assert.That(error.Kind, Is.EqualTo(LedgerGraphErrorKind.DependencyCycle));
        Assert.That(error.Message, Does.Contain("depends on itself"));
    }

    [Test]
    public async Task Record_ClosesCycleAfterInitialization_NotSelfConsistent()
    {
        await LoadAsync([Tx(2, [1], Local), Tx(3, [2], Local)]);

        _graph.Record(Tx(1, [3], Local));

        Assert.That(_graph.IsSelfConsistent, Is.False);
        Assert.That(_graph.Errors.Select(e => e.Kind), Is.All.EqualTo(LedgerGraphErrorKind.DependencyCycle));
    }

    [Test]
    public async Task InitializeAsync_MillionLongChainInReverseOrder_NoStackOverflowAndLongestChainIsMillion()
    {
        const int length = 1_000_000;
        var chain = Enumerable.Range(0, length).Select(i => Tx(i, i == 0 ? [] : [i - 1])).Reverse();
        _graph = NewGraph(pageSize: 10_000);

        await LoadAsync(chain);

        Assert.That(_graph.IsSelfConsistent, Is.True);
        Assert.That(_graph.LongestChain, Is.EqualTo(length));
        Assert.That(_graph.ConnectedComponentCount, Is.EqualTo(1));
    }

    [Test]
    public async Task InitializeAsync_MillionLongRing_CycleReportedWithCappedErrorList()
    {
        const int length = 1_000_000;
        var ring = Enumerable.Range(0, length).Select(i => Tx(i, [(i + 1) % length]));
        _graph = NewGraph(pageSize: 10_000);

        await LoadAsync(ring);

        Assert.That(_graph.IsSelfConsistent, Is.False);
        Assert.That(_graph.Errors, Has.Count.EqualTo(LedgerGraph.MaxReportedErrorsPerKind));
        Assert.That(_graph.Errors.Select(e => e.Kind), Is.All.EqualTo(LedgerGraphErrorKind.DependencyCycle));
        Assert.That(_graph.LongestChain, Is.Zero);
    }

    [Test]
    public async Task LongestChainAndComponents_RandomLedgers_MatchDirectComputation([Range(1, 12)] int seed)
    {
        var random = new Random(seed);
        var ledger = RandomLedger(seed, count: random.Next(1, 800));
        var shuffled = ledger.OrderBy(_ => random.Next()).ToList();

        await LoadAsync(shuffled);

        var depth = new Dictionary<TransactionId, int>();
        foreach (var transaction in ledger)
        {
            depth[transaction.Id] = 1 + transaction.Dependencies.Select(d => depth[d]).DefaultIfEmpty(0).Max();
        }

        Assert.That(_graph.LongestChain, Is.EqualTo(depth.Values.Max()));
        Assert.That(_graph.ConnectedComponentCount, Is.EqualTo(CountComponents(ledger)));
    }

    [Test]
    public void ConnectedComponentCount_SeparateChainsAndSingletons_CountsEach()
    {
        _graph.Record(Tx(1, [], Local));
        _graph.Record(Tx(2, [1], Local));
        _graph.Record(Tx(3, [], Local));
        _graph.Record(Tx(4, [], Local));
        _graph.Record(Tx(5, [3, 4], Local));
        _graph.Record(Tx(6, [], Local));

        Assert.That(_graph.ConnectedComponentCount, Is.EqualTo(3));
        Assert.That(_graph.LongestChain, Is.EqualTo(2));
    }

    private static int CountComponents(List<TransactionMetadata> ledger)
    {
        var parent = ledger.ToDictionary(t => t.Id, t => t.Id);
        TransactionId Find(TransactionId x)
        {
            while (parent[x] != x)
            {
                x = parent[x];
            }

            return x;
        }

        foreach (var transaction in ledger)
        {
            foreach (var dependency in transaction.Dependencies)
            {
                parent[Find(transaction.Id)] = Find(dependency);
            }
        }

        return ledger.Select(t => Find(t.Id)).Distinct().Count();
    }
}
