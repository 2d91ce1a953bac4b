using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

/// <summary>Trimming a grown prefix, the difference estimate, and completion that never rests on an announced size.</summary>
public sealed class RatelessSketchBoundsTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void TrimPrefixLength_AfterGrowth_SymbolsAndLaterGrowthMatchAFreshEncoder(int seed)
    {
        var random = new Random(seed);
        var key = SketchKey.FromRandom(random);
        var ids = SketchTestSets.RandomIds(random, 2000);
        var grown = SketchTestSets.Encoder(key, ids, prefixLength: 64);
        grown.EnsurePrefixLength(50_000);
        var trimTo = random.Next(1, 3000);

        grown.TrimPrefixLength(trimTo);
        grown.Add(TransactionId.Random(random)); // the iterators are consistent: adds and removes keep working
        grown.Remove(ids[0]);
        var fresh = SketchTestSets.Encoder(key, grown.ToArray(), prefixLength: trimTo);

        Assert.That(grown.PrefixLength, Is.EqualTo(trimTo));
        var a = new CodedSymbol[8000];
        var b = new CodedSymbol[8000];
        grown.CopySymbols(0, a);
        fresh.CopySymbols(0, b);
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void TrimPrefixLength_NotLonger_ChangesNothing()
    {
        var random = new Random(4);
        var encoder = SketchTestSets.Encoder(SketchKey.FromRandom(random), SketchTestSets.RandomIds(random, 10), prefixLength: 100);

        encoder.TrimPrefixLength(500);

        Assert.That(encoder.PrefixLength, Is.EqualTo(100));
    }

    [TestCase(100)]
    [TestCase(1000)]
    [TestCase(20_000)]
    public void EstimateDifferences_FromAboutTheDifferenceInSymbols_IsWithinAThirdOverManyKeys(int d)
    {
        var random = new Random(d);
        var shared = SketchTestSets.RandomIds(random, 500);
        var remoteOnly = SketchTestSets.RandomIds(random, d / 2);
        var localOnly = SketchTestSets.RandomIds(random, d - (d / 2));
        var errors = new List<double>();
        for (var trial = 0; trial < 20; trial++)
        {
            var key = SketchKey.FromRandom(random);
            var remote = SketchTestSets.Encoder(key, shared.Concat(remoteOnly));
            var local = SketchTestSets.Encoder(key, shared.Concat(localOnly));
            var decoder = new RatelessDecoder(local, remote.Count);
            var symbols = new CodedSymbol[d];
            remote.CopySymbols(0, symbols);
            decoder.AddRemoteSymbols(0, symbols);

            var estimate = decoder.EstimateDifferences();

            Assert.That(estimate, Is.Not.Null, "a difference of d shows empty symbols among the first d");
            errors.Add(Math.Abs(estimate!.Value - d) / d);
        }

        errors.Sort();
        Assert.That(errors[errors.Count / 2], Is.LessThan(0.34), "median relative error");
    }

    [Test]
    public void EstimateDifferences_FarFewerSymbolsThanDifferences_ReturnsNull()
    {
        var random = new Random(5);
        var key = SketchKey.FromRandom(random);
        var remote = SketchTestSets.Encoder(key, SketchTestSets.RandomIds(random, 5000));
        var decoder = new RatelessDecoder(SketchTestSets.Encoder(key, SketchTestSets.RandomIds(random, 5000)), remote.Count);
        var symbols = new CodedSymbol[100];
        remote.CopySymbols(0, symbols);
        decoder.AddRemoteSymbols(0, symbols);

        Assert.That(decoder.EstimateDifferences(), Is.Null);
    }

    [Test]
    public void IsDecoded_AnnouncedSizeFalse_AllPeeledButNotDecoded()
    {
        var random = new Random(6);
        var key = SketchKey.FromRandom(random);
        var shared = SketchTestSets.RandomIds(random, 300);
        var remote = SketchTestSets.Encoder(key, shared.Concat(SketchTestSets.RandomIds(random, 3)));
        var decoder = new RatelessDecoder(SketchTestSets.Encoder(key, shared), remote.Count + 1); // one more than it holds
        var symbols = new CodedSymbol[64];
        remote.CopySymbols(0, symbols);

        decoder.AddRemoteSymbols(0, symbols);

        Assert.That((decoder.IsAllPeeled, decoder.IsDecoded, decoder.RemoteOnlyCount), Is.EqualTo((true, false, 3)));
    }
}
