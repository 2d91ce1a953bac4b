using System.Collections.Immutable;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// Generates the business both nodes record, deterministically from a seed: transactions between A and B that spend
/// earlier ones (their back-chains), now and then one that spends an asset B received from C (so that B–C history
/// becomes part of A's back-chain and A stores it too), and transactions between B and C only, which A never sees.
/// </summary>
internal sealed class Workload
{
    private const double BackChainFromCProbability = 0.05;
    private const double BcOnlyProbability = 0.2;

    private readonly Random _random;
    private readonly Dictionary<TransactionId, LedgerTransaction> _all = [];
    private readonly HashSet<TransactionId> _knownToA = [];
    private readonly List<TransactionId> _shared = [];
    private readonly List<TransactionId> _betweenBAndC = [];
    private long _sequence;

    public Workload(int seed) => _random = new Random(seed);

    /// <summary>Every transaction A has recorded (before any disaster).</summary>
    public IReadOnlySet<TransactionId> KnownToA => _knownToA;

    /// <summary>B–C transactions that never became part of an A–B back-chain: A must never learn of them.</summary>
    public IEnumerable<TransactionId> PrivateToBAndC => _betweenBAndC.Where(id => !_knownToA.Contains(id));

    /// <summary>
    /// The next piece of business: one new A–B transaction (with whatever B–C history A must store with it), and
    /// sometimes a B–C transaction. Returns what A records and what B records, each in recording order.
    /// </summary>
    public (List<LedgerTransaction> ForA, List<LedgerTransaction> ForB) Next()
    {
        var forA = new List<LedgerTransaction>(2);
        var forB = new List<LedgerTransaction>(2);

        var dependencies = new List<TransactionId>(3);
        var inputs = _random.NextDouble() switch { < 0.25 => 0, < 0.75 => 1, _ => 2 };
        for (var i = 0; i < inputs && _shared.Count > 0; i++)
        {
            // Mostly recent outputs are spent, sometimes old ones: back-chains get long and branch.
            var index = _random.NextDouble() < 0.9
                ? _shared.Count - 1 - _random.Next(Math.Min(_shared.Count, 64))
                : _random.Next(_shared.Count);
            if (!dependencies.Contains(_shared[index]))
            {
                dependencies.Add(_shared[index]);
            }
        }

        if (_betweenBAndC.Count > 0 && _random.NextDouble() < BackChainFromCProbability)
        {
            // B pays A with an asset it got from C: A resolves and stores that history (the back-chain) as well.
            var fromC = _betweenBAndC[_random.Next(_betweenBAndC.Count)];
            dependencies.Add(fromC);
            forA.AddRange(BackChainMissingAtA(fromC));
        }

        var shared = Create(dependencies, [Parties.PartyA, Parties.PartyB]);
        _shared.Add(shared.Id);
        forA.Add(shared);
        forB.Add(shared);

        if (_random.NextDouble() < BcOnlyProbability)
        {
            List<TransactionId> spent = _betweenBAndC.Count > 0 && _random.NextDouble() < 0.5
                ? [_betweenBAndC[_betweenBAndC.Count - 1 - _random.Next(Math.Min(_betweenBAndC.Count, 16))]]
                : [];
            var betweenBAndC = Create(spent, [Parties.PartyB, Parties.PartyC]);
            _betweenBAndC.Add(betweenBAndC.Id);
            forB.Add(betweenBAndC);
        }

        foreach (var transaction in forA)
        {
            _knownToA.Add(transaction.Id);
        }

        return (forA, forB);
    }

    private List<LedgerTransaction> BackChainMissingAtA(TransactionId root)
    {
        var missing = new List<LedgerTransaction>();
        var pending = new Stack<TransactionId>();
        var seen = new HashSet<TransactionId>();
        pending.Push(root);
        while (pending.TryPop(out var id))
        {
            if (_knownToA.Contains(id) || !seen.Add(id))
            {
                continue;
            }

            var transaction = _all[id];
            missing.Add(transaction);
            foreach (var dependency in transaction.Dependencies)
            {
                pending.Push(dependency);
            }
        }

        // Dependencies first, as a node records them.
        missing.Sort((x, y) => x.Sequence.CompareTo(y.Sequence));
        return missing;
    }

    private LedgerTransaction Create(List<TransactionId> dependencies, ImmutableArray<PartyName> participants)
    {
        var content = new byte[32];
        _random.NextBytes(content);
        var sequence = ++_sequence;
        var payload = LedgerTransactionCodec.Encode(sequence, content, dependencies, participants);
        var transaction = new LedgerTransaction(TransactionId.HashOf(payload), sequence, [.. dependencies], participants, payload);
        _all.Add(transaction.Id, transaction);
        return transaction;
    }
}
