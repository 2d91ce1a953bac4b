using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

public sealed class RatelessEncoderTests
{
    private Random _random = null!;
    private SketchKey _key;

    [SetUp]
    public void SetUp()
    {
        _random = new Random(21);
        _key = SketchKey.FromRandom(_random);
    }

    [Test]
    public void Add_DuplicateId_ReturnsFalseAndLeavesSymbolsUnchanged()
    {
        var id = TransactionId.Random(_random);
        var encoder = new RatelessEncoder(_key, 32);
        Assert.That(encoder.Add(id), Is.True);
        var before = Symbols(encoder, 0, 32);
        var version = encoder.Version;

        Assert.That(encoder.Add(id), Is.False);
        Assert.That(Symbols(encoder, 0, 32), Is.EqualTo(before));
        Assert.That(encoder.Count, Is.EqualTo(1));
        Assert.That(encoder.Version, Is.EqualTo(version));
    }

    [Test]
    public void Remove_AbsentId_ReturnsFalseAndChangesNothing()
    {
        var encoder = SketchTestSets.Encoder(_key, SketchTestSets.RandomIds(_random, 10), 32);
        var before = Symbols(encoder, 0, 32);

        Assert.That(encoder.Remove(TransactionId.Random(_random)), Is.False);
        Assert.That(Symbols(encoder, 0, 32), Is.EqualTo(before));
        Assert.That(encoder.Count, Is.EqualTo(10));
    }

    [Test]
    public void Remove_EveryId_LeavesAllSymbolsEmpty()
    {
        var ids = SketchTestSets.RandomIds(_random, 100);
        var encoder = SketchTestSets.Encoder(_key, ids, 64);
        encoder.CopySymbols(0, new CodedSymbol[200]);

        foreach (var id in ids)
        {
            Assert.That(encoder.Remove(id), Is.True);
        }

        Assert.That(encoder.Count, Is.Zero);
        Assert.That(Symbols(encoder, 0, 300), Is.All.EqualTo(default(CodedSymbol)));
    }

    [Test]
    public void Symbol0_HoldsEveryId()
    {
        var ids = SketchTestSets.RandomIds(_random, 37);
        var encoder = SketchTestSets.Encoder(_key, ids, 8);

        Assert.That(encoder.GetSymbol(0).Count, Is.EqualTo(37));
    }

    [TestCase(1, 1)]
    [TestCase(1, 1000)]
    [TestCase(16, 5000)]
    [TestCase(1024, 3000)]
    public void CopySymbols_IncrementalAndExtended_EqualsFreshEncoderWithLongPrefix(int initialPrefix, int length)
    {
        var ids = SketchTestSets.RandomIds(_random, 300);
        var incremental = new RatelessEncoder(_key, initialPrefix);
        for (var i = 0; i < 200; i++)
        {
            incremental.Add(ids[i]);
        }

        incremental.CopySymbols(initialPrefix, new CodedSymbol[7]);
        for (var i = 200; i < 300; i++)
        {
            incremental.Add(ids[i]);
        }

        incremental.Remove(ids[5]);
        incremental.Remove(ids[250]);

        var reference = new RatelessEncoder(_key, length + 10);
        foreach (var id in ids)
        {
            if (id != ids[5] && id != ids[250])
            {
                reference.Add(id);
            }
        }

        Assert.That(Symbols(incremental, 0, length), Is.EqualTo(Symbols(reference, 0, length)));
    }

    [Test]
    public void CopySymbols_FarRangeFirst_EqualsSequentialRanges()
    {
        var ids = SketchTestSets.RandomIds(_random, 500);
        var a = SketchTestSets.Encoder(_key, ids, 4);
        var b = SketchTestSets.Encoder(_key, ids, 4);

        var far = Symbols(a, 4000, 100);
        for (var first = 0; first < 4100; first += 100)
        {
            b.CopySymbols(first, new CodedSymbol[100]);
        }

        Assert.That(Symbols(b, 4000, 100), Is.EqualTo(far));
    }

    [Test]
    public void Symbols_DifferentKeys_Differ()
    {
        var ids = SketchTestSets.RandomIds(_random, 50);
        var a = SketchTestSets.Encoder(_key, ids, 64);
        var b = SketchTestSets.Encoder(SketchKey.FromRandom(_random), ids, 64);

        Assert.That(Symbols(a, 1, 63), Is.Not.EqualTo(Symbols(b, 1, 63)));
    }

    [Test]
    public void Constructor_PrefixOutOfRange_Throws()
    {
        Assert.That(() => new RatelessEncoder(_key, 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new RatelessEncoder(_key, RatelessEncoder.MaxPrefixLength + 1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    private static CodedSymbol[] Symbols(RatelessEncoder encoder, long first, int count)
    {
        var symbols = new CodedSymbol[count];
        encoder.CopySymbols(first, symbols);
        return symbols;
    }
}
