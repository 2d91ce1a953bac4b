using System.Text;
using LedgerSync.Ledger;
using LedgerSync.Recovery;

namespace LedgerSync.Tests.Recovery.Manual;

/// <summary>
/// Two nodes' worth of test data for manual recovery: B's ledger (A–B transactions with back-chains, some of B's
/// history with C inside them, and B–C business A must never receive), serialized so that a decoder derives each
/// transaction's ID from its bytes.
/// </summary>
internal sealed class ManualRecoveryTestLedger
{
    public static readonly PartyName A = PartyName.Parse("O=PartyA, L=London, C=GB");
    public static readonly PartyName B = PartyName.Parse("O=PartyB, L=London, C=GB");
    public static readonly PartyName C = PartyName.Parse("O=PartyC, L=Paris, C=FR");

    private readonly List<(TransactionMetadata Metadata, byte[] Payload)> _all = [];

    public ManualRecoveryTestLedger(int shared, int seed = 1)
    {
        var random = new Random(seed);
        var betweenBAndC = new List<TransactionId>();
        var previous = new List<TransactionId>();
        for (var i = 0; i < shared; i++)
        {
            var dependencies = new List<TransactionId>();
            if (previous.Count > 0)
            {
                dependencies.Add(previous[random.Next(previous.Count)]);
            }

            if (i % 10 == 3)
            {
                // B pays A with an asset from C: that B–C transaction joins A's back-chain.
                var fromC = Add([], [B, C], random);
                betweenBAndC.Add(fromC.Id);
                dependencies.Add(fromC.Id);
                BackChain.Add(fromC.Id);
            }

            var transaction = Add(dependencies, [A, B], random);
            previous.Add(transaction.Id);
            Shared.Add(transaction.Id);
            if (i % 4 == 1)
            {
                PrivateToBAndC.Add(Add([], [B, C], random).Id);
            }
        }
    }

    /// <summary>Transactions between A and B.</summary>
    public List<TransactionId> Shared { get; } = [];

    /// <summary>B–C transactions inside A–B back-chains (A may receive them).</summary>
    public List<TransactionId> BackChain { get; } = [];

    /// <summary>B–C transactions A never took part in (A must never receive them).</summary>
    public List<TransactionId> PrivateToBAndC { get; } = [];

    public IEnumerable<TransactionMetadata> Metadata => _all.Select(t => t.Metadata);

    public InMemoryTransactionPayloadSource PayloadSource()
    {
        var source = new InMemoryTransactionPayloadSource();
        foreach (var (metadata, payload) in _all)
        {
            source.Add(metadata.Id, payload);
        }

        return source;
    }

    public byte[] PayloadOf(TransactionId id) => _all.First(t => t.Metadata.Id == id).Payload;

    /// <summary>B's ledger graph (every transaction), initialized.</summary>
    public async Task<LedgerGraph> GraphOfBAsync()
    {
        var graph = new LedgerGraph(new LedgerSyncOptions { LocalParty = B });
        await graph.InitializeAsync(new InMemoryTransactionSource(Metadata));
        return graph;
    }

    /// <summary>A's ledger graph holding <paramref name="held"/>, initialized.</summary>
    public async Task<LedgerGraph> GraphOfAAsync(IEnumerable<TransactionId> held)
    {
        var keep = held.ToHashSet();
        var graph = new LedgerGraph(new LedgerSyncOptions { LocalParty = A });
        await graph.InitializeAsync(new InMemoryTransactionSource(Metadata.Where(m => keep.Contains(m.Id))));
        return graph;
    }

    private TransactionMetadata Add(List<TransactionId> dependencies, PartyName[] participants, Random random)
    {
        var payload = TestTransactionCodec.Encode(random.Next(), dependencies, participants);
        var metadata = new TransactionMetadata(TransactionId.HashOf(payload), [.. dependencies], [.. participants]);
        _all.Add((metadata, payload));
        return metadata;
    }
}

/// <summary>A test serialization: <c>TX|nonce|participants|dependencies</c>; the ID is the SHA-256 of the bytes.</summary>
internal sealed class TestTransactionCodec : ITransactionDecoder
{
    public static byte[] Encode(int nonce, IEnumerable<TransactionId> dependencies, IEnumerable<PartyName> participants) =>
        Encoding.UTF8.GetBytes($"TX|{nonce}|{string.Join(";", participants)}|{string.Join(",", dependencies)}");

    public TransactionMetadata Decode(ReadOnlyMemory<byte> bytes)
    {
        var parts = Encoding.UTF8.GetString(bytes.Span).Split('|');
        if (parts.Length != 4 || parts[0] != "TX")
        {
            throw new FormatException("not a test transaction");
        }

        return new TransactionMetadata(
            TransactionId.HashOf(bytes.Span),
            [.. parts[3].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(TransactionId.Parse)],
            [.. parts[2].Split(';', StringSplitOptions.RemoveEmptyEntries).Select(PartyName.Parse)]);
    }
}
