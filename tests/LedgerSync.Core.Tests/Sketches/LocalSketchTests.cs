using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

public sealed class LocalSketchTests
{
    [Test]
    public void Symbols_EqualTheEncoders_OverManySeeds()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(1000 + seed);
            var key = SketchKey.FromRandom(random);
            var ids = SketchTestSets.RandomIds(random, random.Next(0, 300));
            var length = random.Next(1, 700);
            var encoder = SketchTestSets.Encoder(key, ids, 8);
            var sketch = new LocalSketch(key, ids);

            var expected = new CodedSymbol[length];
            var actual = new CodedSymbol[length];
            encoder.CopySymbols(0, expected);
            sketch.CopySymbols(0, actual);

            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}, {ids.Length} IDs, {length} symbols");
        }
    }

    [Test]
    public void IncrementalExtension_EqualsOneShot()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(2000 + seed);
            var key = SketchKey.FromRandom(random);
            var ids = SketchTestSets.RandomIds(random, 200);
            var total = random.Next(50, 2000);

            var oneShot = new LocalSketch(key, ids);
            var expected = new CodedSymbol[total];
            oneShot.CopySymbols(0, expected);

            var incremental = new LocalSketch(key, ids);
            var actual = new CodedSymbol[total];
            var at = 0;
            while (at < total)
            {
                var batch = Math.Min(total - at, random.Next(1, 97));
                incremental.CopySymbols(at, actual.AsSpan(at, batch));
                at += batch;
            }

            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}");
            Assert.That(incremental.PrefixLength, Is.GreaterThanOrEqualTo(total));
        }
    }

    [Test]
    public void Contains_IsTrueExactlyForTheSet()
    {
        var random = new Random(3000);
        var key = SketchKey.FromRandom(random);
        var ids = SketchTestSets.RandomIds(random, 5000);
        var sketch = new LocalSketch(key, ids);

        Assert.That(ids.All(sketch.Contains), Is.True);
        var outside = SketchTestSets.RandomIds(random, 5000).Except(ids).ToArray();
        Assert.That(outside.Count(sketch.Contains), Is.Zero);
        Assert.That(new LocalSketch(key, []).Contains(ids[0]), Is.False);
    }

    [Test]
    public void EnsurePrefixLength_BeyondTheMaximum_Throws()
    {
        var sketch = new LocalSketch(SketchKey.FromRandom(new Random(4)), SketchTestSets.RandomIds(new Random(5), 3));
        Assert.That(() => sketch.EnsurePrefixLength(RatelessEncoder.MaxPrefixLength + 1L), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Decoding_AgainstTheSketch_EqualsDecodingAgainstTheEncoder()
    {
        for (var seed = 0; seed < 30; seed++)
        {
            var random = new Random(5000 + seed);
            var key = SketchKey.FromRandom(random);
            var shared = SketchTestSets.RandomIds(random, random.Next(0, 500));
            var localOnly = SketchTestSets.RandomIds(random, random.Next(0, 40));
            var remoteOnly = SketchTestSets.RandomIds(random, random.Next(0, 40));
            TransactionId[] local = [.. shared, .. localOnly];
            var remote = SketchTestSets.Encoder(key, [.. shared, .. remoteOnly], 16);

            var byEncoder = new RatelessDecoder(SketchTestSets.Encoder(key, local, 16), remote.Count);
            var bySketch = new RatelessDecoder(new LocalSketch(key, local), remote.Count);
            var buffer = new CodedSymbol[random.Next(1, 9)];
            while (!bySketch.IsDecoded && bySketch.SymbolsReceived < 10_000)
            {
                var first = bySketch.SymbolsReceived;
                remote.CopySymbols(first, buffer);
                Assert.That(bySketch.AddRemoteSymbols(first, buffer), Is.EqualTo(byEncoder.AddRemoteSymbols(first, buffer)), $"seed {seed}");
            }

            Assert.That(bySketch.IsDecoded && byEncoder.IsDecoded, Is.True, $"seed {seed}");
            var sketchDecoded = bySketch.TryDecode(out var fromSketch);
            var encoderDecoded = byEncoder.TryDecode(out var fromEncoder);
            Assert.That(sketchDecoded && encoderDecoded, Is.True);
            Assert.That(fromSketch!.RemoteOnly, Is.EquivalentTo(remoteOnly));
            Assert.That(fromSketch.LocalOnly, Is.EquivalentTo(localOnly));
            Assert.That(fromSketch.RemoteOnly, Is.EqualTo(fromEncoder!.RemoteOnly));
            Assert.That(fromSketch.LocalOnly, Is.EqualTo(fromEncoder.LocalOnly));
        }
    }

    [Test]
    public void Constructor_RepeatedId_Throws()
    {
        var ids = SketchTestSets.RandomIds(new Random(6), 10);
        ids[7] = ids[2];
        Assert.That(() => new LocalSketch(SketchKey.FromRandom(new Random(7)), ids), Throws.ArgumentException);
    }
}
