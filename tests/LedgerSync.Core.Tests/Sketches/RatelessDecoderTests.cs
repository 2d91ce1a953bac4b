using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

public sealed class RatelessDecoderTests
{
    private Random _random = null!;
    private SketchKey _key;

    [SetUp]
    public void SetUp()
    {
        _random = new Random(31);
        _key = SketchKey.FromRandom(_random);
    }

    // common, remote-only, local-only
    [TestCase(0, 0, 0, TestName = "Decode_BothEmpty_DecodesEmpty")]
    [TestCase(100, 0, 0, TestName = "Decode_IdenticalSets_DecodesEmptyAfterOneSymbol")]
    [TestCase(0, 1, 0, TestName = "Decode_RemoteHasOneLocalEmpty_DecodesOne")]
    [TestCase(0, 0, 1, TestName = "Decode_LocalHasOneRemoteEmpty_DecodesOne")]
    [TestCase(1000, 1, 0, TestName = "Decode_OneRemoteOnly_DecodesOne")]
    [TestCase(1000, 0, 1, TestName = "Decode_OneLocalOnly_DecodesOne")]
    [TestCase(1000, 1, 1, TestName = "Decode_OneEachSide_DecodesBoth")]
    [TestCase(0, 200, 0, TestName = "Decode_LocalEmpty_DecodesWholeRemoteSet")]
    [TestCase(0, 0, 200, TestName = "Decode_RemoteEmpty_DecodesWholeLocalSet")]
    [TestCase(500, 300, 0, TestName = "Decode_OneSided_DecodesAll")]
    [TestCase(500, 150, 150, TestName = "Decode_TwoSided_DecodesAll")]
    [TestCase(2000, 3000, 1000, TestName = "Decode_LargeTwoSided_DecodesAll")]
    public void Decode_Table(int common, int remoteOnly, int localOnly)
    {
        var shared = SketchTestSets.RandomIds(_random, common);
        var remoteIds = SketchTestSets.RandomIds(_random, remoteOnly);
        var localIds = SketchTestSets.RandomIds(_random, localOnly);
        var remote = SketchTestSets.Encoder(_key, shared.Concat(remoteIds));
        var local = SketchTestSets.Encoder(_key, shared.Concat(localIds));

        var decoder = SketchTestSets.Reconcile(remote, local, _random, maxSymbols: 10 * (remoteOnly + localOnly) + 100, maxBatch: 64);

        Assert.That(decoder.TryDecode(out var difference), Is.True);
        Assert.That(difference!.RemoteOnly, Is.EquivalentTo(remoteIds));
        Assert.That(difference.LocalOnly, Is.EquivalentTo(localIds));
        Assert.That(difference.SymbolsUsed, Is.EqualTo(decoder.SymbolsReceived));
        if (remoteOnly + localOnly <= 1)
        {
            Assert.That(decoder.SymbolsReceived, Is.EqualTo(1), "symbol 0 holds every ID");
        }
    }

    [Test]
    public void TryDecode_NoSymbolsYet_ReturnsFalse()
    {
        var local = SketchTestSets.Encoder(_key, []);
        var decoder = new RatelessDecoder(local, 0);

        Assert.That(decoder.TryDecode(out var difference), Is.False);
        Assert.That(difference, Is.Null);
    }

    [Test]
    public void TryDecode_TooFewSymbols_ReturnsFalse()
    {
        var remote = SketchTestSets.Encoder(_key, SketchTestSets.RandomIds(_random, 100));
        var local = SketchTestSets.Encoder(_key, []);
        var decoder = new RatelessDecoder(local, remote.Count);
        var symbols = new CodedSymbol[20];
        remote.CopySymbols(0, symbols);

        Assert.That(decoder.AddRemoteSymbols(0, symbols), Is.EqualTo(20));
        Assert.That(decoder.TryDecode(out _), Is.False);
        Assert.That(decoder.IsDecoded, Is.False);
    }

    [Test]
    public void AddRemoteSymbols_Decoded_StopsConsumingAndReportsSymbolsUsed()
    {
        var shared = SketchTestSets.RandomIds(_random, 100);
        var remote = SketchTestSets.Encoder(_key, shared.Append(TransactionId.Random(_random)));
        var local = SketchTestSets.Encoder(_key, shared);
        var decoder = new RatelessDecoder(local, remote.Count);
        var symbols = new CodedSymbol[50];
        remote.CopySymbols(0, symbols);

        Assert.That(decoder.AddRemoteSymbols(0, symbols.AsSpan(0, 10)), Is.EqualTo(1));
        Assert.That(decoder.SymbolsReceived, Is.EqualTo(1));
        Assert.That(decoder.NextExpectedIndex, Is.EqualTo(10));
        Assert.That(decoder.AddRemoteSymbols(10, symbols.AsSpan(10)), Is.Zero, "a batch still in flight is ignored");
        Assert.That(decoder.TryDecode(out var difference), Is.True);
        Assert.That(difference!.SymbolsUsed, Is.EqualTo(1));
    }

    [Test]
    public void AddRemoteSymbols_OutOfOrder_ThrowsProtocolException()
    {
        var local = SketchTestSets.Encoder(_key, SketchTestSets.RandomIds(_random, 5));
        var decoder = new RatelessDecoder(local, 50);

        Assert.That(() => decoder.AddRemoteSymbols(3, new CodedSymbol[2]), Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void AddRemoteSymbols_LocalSetChanged_ThrowsInvalidOperation()
    {
        var local = SketchTestSets.Encoder(_key, SketchTestSets.RandomIds(_random, 5));
        var decoder = new RatelessDecoder(local, 50);
        local.Add(TransactionId.Random(_random));

        Assert.That(() => decoder.AddRemoteSymbols(0, new CodedSymbol[2]), Throws.TypeOf<InvalidOperationException>());
    }

    [Test]
    public void Decode_WrongAnnouncedRemoteSize_NeverDecodes()
    {
        var shared = SketchTestSets.RandomIds(_random, 50);
        var remote = SketchTestSets.Encoder(_key, shared.Concat(SketchTestSets.RandomIds(_random, 5)));
        var local = SketchTestSets.Encoder(_key, shared);
        var decoder = new RatelessDecoder(local, remote.Count + 1);
        var symbols = new CodedSymbol[200];
        remote.CopySymbols(0, symbols);

        decoder.AddRemoteSymbols(0, symbols);

        Assert.That(decoder.TryDecode(out _), Is.False);
        Assert.That(decoder.RemoteOnlyCount, Is.EqualTo(5));
    }

    [Test]
    public void Decode_DifferentKeys_NeverReportsAnId()
    {
        var shared = SketchTestSets.RandomIds(_random, 50);
        var remote = SketchTestSets.Encoder(SketchKey.FromRandom(_random), shared.Concat(SketchTestSets.RandomIds(_random, 5)));
        var local = SketchTestSets.Encoder(_key, shared);
        var decoder = new RatelessDecoder(local, remote.Count);
        var symbols = new CodedSymbol[500];
        remote.CopySymbols(0, symbols);

        decoder.AddRemoteSymbols(0, symbols);

        Assert.That(decoder.TryDecode(out _), Is.False);
    }

    [Test]
    public void Decode_ThroughTheWireCodec_DecodesLargeDifference()
    {
        // The wire does not carry counts: the decoder must work from sums, checksums and local membership.
        var shared = SketchTestSets.RandomIds(_random, 300);
        var remoteIds = SketchTestSets.RandomIds(_random, 700);
        var remote = SketchTestSets.Encoder(_key, shared.Concat(remoteIds));
        var local = SketchTestSets.Encoder(_key, shared);
        var decoder = new RatelessDecoder(local, remote.Count);
        var symbols = new CodedSymbol[100];
        while (!decoder.IsDecoded && decoder.SymbolsReceived < 5000)
        {
            remote.CopySymbols(decoder.SymbolsReceived, symbols);
            var wire = SymbolCodec.Encode(decoder.SymbolsReceived, symbols);
            var received = SymbolCodec.Decode(wire, 1000, out var first);
            decoder.AddRemoteSymbols(first, received);
        }

        Assert.That(decoder.TryDecode(out var difference), Is.True);
        Assert.That(difference!.RemoteOnly, Is.EquivalentTo(remoteIds));
        Assert.That(difference.LocalOnly, Is.Empty);
    }

    [Test]
    public void Decode_RandomGarbageSymbols_NeverDecodesAndNeverThrows()
    {
        var local = SketchTestSets.Encoder(_key, SketchTestSets.RandomIds(_random, 30));
        var decoder = new RatelessDecoder(local, 35);
        var garbage = new CodedSymbol[2000];
        for (var i = 0; i < garbage.Length; i++)
        {
            garbage[i] = new CodedSymbol(TransactionId.Random(_random), (uint)_random.Next(), 0);
        }

        decoder.AddRemoteSymbols(0, garbage);

        Assert.That(decoder.TryDecode(out _), Is.False);
    }

    [Test]
    public void Decode_RandomizedTrials_NeverWrong()
    {
        const int Trials = 10_000;
        var random = new Random(20261122);
        var wrong = 0;
        var undecoded = 0;
        long symbols = 0;
        long differences = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var key = SketchKey.FromRandom(random);
            var shared = SketchTestSets.RandomIds(random, random.Next(0, 40));
            var remoteIds = SketchTestSets.RandomIds(random, random.Next(0, 12));
            var localIds = SketchTestSets.RandomIds(random, random.Next(0, 12));
            var remote = SketchTestSets.Encoder(key, shared.Concat(remoteIds), 16);
            var local = SketchTestSets.Encoder(key, shared.Concat(localIds), 16);

            var decoder = SketchTestSets.Reconcile(remote, local, random, maxSymbols: 400, maxBatch: 6);

            if (!decoder.TryDecode(out var difference))
            {
                undecoded++;
                continue;
            }

            symbols += difference.SymbolsUsed;
            differences += difference.Count;
            if (!SameSet(difference.RemoteOnly, remoteIds) || !SameSet(difference.LocalOnly, localIds))
            {
                wrong++;
            }
        }

        Assert.That(wrong, Is.Zero, "wrong decodes");
        Assert.That(undecoded, Is.Zero, "trials not decoded within 400 symbols");
        Assert.That(symbols, Is.LessThan(3 * differences + Trials), "symbols used");
    }

    // The symbol format of protocol versions 4 and 5 carries fewer checksum bits (24 below index 256, 16 after) over
    // 8-byte sums: the decoder compares only the bits that travel, and decodes the exact difference; the default
    // decoder, which expects format 1's 32 and 24 bits, cannot peel the same truncated symbols.
    [Test]
    public void Decode_ReducedChecksumMasks_ComparesOnlyTheBitsCarried([Range(0, 19)] int seed)
    {
        const uint Early = ShortSymbolCodec.EarlyChecksumMask;
        const uint Reduced = ShortSymbolCodec.LateChecksumMask;
        var random = new Random(7000 + seed);
        var key = SketchKey.FromRandom(random);
        var common = ShortIds(random, 2000 + random.Next(2000));
        var remoteOnly = ShortIds(random, random.Next(50, 400));
        var localOnly = ShortIds(random, random.Next(0, 150));
        var remote = new LocalSketch(key, [.. common, .. remoteOnly]);
        var local = new LocalSketch(key, [.. common, .. localOnly]);
        var length = 4 * (remoteOnly.Length + localOnly.Length) + 64;
        var symbols = new CodedSymbol[length];
        remote.CopySymbols(0, symbols);
        for (var i = 0; i < symbols.Length; i++)
        {
            // As read from such a wire: only the carried checksum bits, no count.
            symbols[i] = new CodedSymbol(symbols[i].Sum, symbols[i].Checksum & (i < SymbolCodec.FullChecksumSymbols ? Early : Reduced), 0);
        }

        var reduced = new RatelessDecoder(local, remote.Count, Early, Reduced);
        var formatOne = new RatelessDecoder(local, remote.Count);
        reduced.AddRemoteSymbols(0, symbols);
        formatOne.AddRemoteSymbols(0, symbols);

        Assert.Multiple(() =>
        {
            Assert.That(reduced.TryDecode(out var difference), Is.True);
            Assert.That(SameSet(difference!.RemoteOnly, remoteOnly), Is.True);
            Assert.That(SameSet(difference.LocalOnly, localOnly), Is.True);
            Assert.That(formatOne.TryDecode(out _), Is.False);
        });
    }

    // The zero-wrong-decode trials again, on the wire format of protocol versions 4 and 5 (8-byte sums, 24 checksum
    // bits below index 256 and 16 after, every batch written as a Symbols message and read back): differences large enough that
    // most symbols are past index 256, where a mixed symbol passes the checksum 1 time in 65,536 and toggling must
    // repair every false peel.
    [Test]
    public void Decode_RandomizedTrials_VersionFourWireFormat_NeverWrong()
    {
        const int Trials = 10_000;
        const uint Early = ShortSymbolCodec.EarlyChecksumMask;
        const uint Reduced = ShortSymbolCodec.LateChecksumMask;
        var random = new Random(20261203);
        var wrong = 0;
        var undecoded = 0;
        long pastFullChecksums = 0;
        long toggles = 0;
        var symbols = new CodedSymbol[64];
        for (var trial = 0; trial < Trials; trial++)
        {
            var key = SketchKey.FromRandom(random);
            var common = ShortIds(random, random.Next(0, 300));
            var remoteOnly = ShortIds(random, random.Next(0, 300));
            var localOnly = ShortIds(random, random.Next(0, 300));
            var remote = new LocalSketch(key, [.. common, .. remoteOnly]);
            var decoder = new RatelessDecoder(new LocalSketch(key, [.. common, .. localOnly]), remote.Count, Early, Reduced);
            var limit = (4 * (remoteOnly.Length + localOnly.Length)) + 64;
            long sent = 0;
            while (!decoder.IsDecoded && sent < limit)
            {
                var batch = symbols.AsSpan(0, random.Next(1, symbols.Length + 1));
                remote.CopySymbols(sent, batch);
                var message = LedgerSync.Protocol.ProtocolCodec.EncodeSymbols(limit, sent, batch);
                var read = LedgerSync.Protocol.ProtocolCodec.DecodeSymbols(message, batch.Length, out _, out var first);
                decoder.AddRemoteSymbols(first, read);
                sent += read.Length;
            }

            toggles += decoder.ToggleCount;
            if (!decoder.TryDecode(out var difference))
            {
                undecoded++;
                continue;
            }

            pastFullChecksums += Math.Max(0, difference.SymbolsUsed - SymbolCodec.FullChecksumSymbols);
            if (!SameSet(difference.RemoteOnly, remoteOnly) || !SameSet(difference.LocalOnly, localOnly))
            {
                wrong++;
            }
        }

        TestContext.Out.WriteLine($"{Trials} trials: {pastFullChecksums} symbols used past index 256, {toggles} false peels toggled out");
        Assert.Multiple(() =>
        {
            Assert.That(wrong, Is.Zero, "wrong decodes");
            Assert.That(undecoded, Is.Zero, "trials not decoded within 4 symbols per difference");
            Assert.That(pastFullChecksums, Is.GreaterThan(Trials * 100L), "symbols used past index 256 (where 16 bits travel)");
        });
    }

    private static TransactionId[] ShortIds(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new TransactionId((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), 0, 0, 0)).Distinct()];

    private static bool SameSet(IReadOnlyList<TransactionId> actual, TransactionId[] expected) =>
        actual.Count == expected.Length && actual.ToHashSet().SetEquals(expected);
}
