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
            var sketch = new LocalSketch(key, ids, random.Next(1, length + 1));

            var expected = new CodedSymbol[length];
            var actual = new CodedSymbol[length];
            encoder.CopySymbols(0, expected);
            sketch.CopySymbols(0, actual);

            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}, {ids.Length} IDs, {length} symbols");
        }
    }

    [Test]
    public void StreamSymbols_InRandomWindows_EqualTheEncodersSymbols_WithoutKeepingThem()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(4000 + seed);
            var key = SketchKey.FromRandom(random);
            var ids = SketchTestSets.RandomIds(random, random.Next(0, 300));
            var length = random.Next(2, 900);
            var initial = random.Next(1, Math.Min(length, 64));
            var encoder = SketchTestSets.Encoder(key, ids, 8);
            var sketch = new LocalSketch(key, ids, initial, length);
            var expected = new CodedSymbol[length];
            encoder.CopySymbols(0, expected);

            var actual = new CodedSymbol[length];
            sketch.CopySymbols(0, actual.AsSpan(0, initial));
            for (var at = initial; at < length;)
            {
                var window = Math.Min(length - at, random.Next(1, 100));
                sketch.StreamSymbols(actual.AsSpan(at, window));
                at += window;
            }

            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}, {ids.Length} IDs, {length} symbols");
            Assert.That(sketch.PrefixLength, Is.EqualTo(length));
            Assert.That(() => sketch.CopySymbols(initial, new CodedSymbol[1]), Throws.InvalidOperationException, "streamed symbols are not held");
            Assert.That(() => sketch.StreamSymbols(new CodedSymbol[1]), Throws.TypeOf<ArgumentOutOfRangeException>(), "never past the cap");
        }
    }

    [Test]
    public void RequesterSymbolStream_AnyChunking_HandsOutTheEncodersSymbolsInOrder()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(5000 + seed);
            var key = SketchKey.FromRandom(random);
            var ids = SketchTestSets.RandomIds(random, random.Next(0, 300));
            var length = random.Next(1, 3000);
            var encoder = SketchTestSets.Encoder(key, ids, 8);
            var expected = new CodedSymbol[length];
            encoder.CopySymbols(0, expected);
            var stream = new LedgerSync.Protocol.RequesterSymbolStream(new LocalSketch(key, ids, 1, length), random.Next(1, 600));

            var actual = new CodedSymbol[length];
            var roundEnd = (long)Math.Min(length, random.Next(1, 1000));
            for (var at = 0; at < length;)
            {
                if (at == roundEnd)
                {
                    roundEnd = Math.Min(length, roundEnd + random.Next(1, 1000));
                }

                var chunk = (int)Math.Min(roundEnd - at, random.Next(1, 512));
                stream.Copy(at, actual.AsSpan(at, chunk), roundEnd);
                at += chunk;
            }

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
    public void Symbols_LargeSetsAndPrefixes_EqualTheEncoders()
    {
        // Sets larger than one block of the construction pass, prefixes long enough for many rounds per block.
        for (var seed = 0; seed < 4; seed++)
        {
            var random = new Random(8000 + seed);
            var key = SketchKey.FromRandom(random);
            var ids = SketchTestSets.RandomIds(random, random.Next(2000, 6000));
            var length = random.Next(3000, 9000);
            var encoder = SketchTestSets.Encoder(key, ids, length);
            var sketch = new LocalSketch(key, ids, random.Next(1, 64));
            sketch.EnsurePrefixLength(length / 3);

            var expected = new CodedSymbol[length];
            var actual = new CodedSymbol[length];
            encoder.CopySymbols(0, expected);
            sketch.CopySymbols(0, actual);

            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}");
        }
    }

    [Test]
    public void Estimator_EqualsTheEncodersEstimator()
    {
        var random = new Random(9000);
        var key = SketchKey.FromRandom(random);
        var ids = SketchTestSets.RandomIds(random, 3000);
        var encoder = SketchTestSets.Encoder(key, ids, 1);
        encoder.TrackDifferences();
        var sketch = new LocalSketch(key, ids, trackDifferences: true);

        var expected = new byte[DifferenceEstimator.EncodedSize];
        var actual = new byte[DifferenceEstimator.EncodedSize];
        encoder.Estimator!.WriteTo(expected);
        sketch.Estimator!.WriteTo(actual);

        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(expected, Has.Some.Not.Zero);
        Assert.That(new LocalSketch(key, ids).Estimator, Is.Null);
    }

    [Test]
    public void CopySymbols_PastTheCap_ThrowsProtocolErrorWithoutGrowing()
    {
        var random = new Random(9100);
        var sketch = new LocalSketch(SketchKey.FromRandom(random), SketchTestSets.RandomIds(random, 500), 10, maxPrefixLength: 100);
        var buffer = new CodedSymbol[8];

        Assert.That(() => sketch.CopySymbols(95, buffer), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contain("at most 100"));
        Assert.That(sketch.PrefixLength, Is.EqualTo(10));
        Assert.That(() => sketch.EnsurePrefixLength(101), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(sketch.PrefixLength, Is.EqualTo(10));
    }

    [Test]
    public void CopySymbols_NearTheCap_GrowsToTheCapAtMost()
    {
        var random = new Random(9200);
        var key = SketchKey.FromRandom(random);
        var ids = SketchTestSets.RandomIds(random, 500);
        var sketch = new LocalSketch(key, ids, 90, maxPrefixLength: 100);
        var buffer = new CodedSymbol[4];

        sketch.CopySymbols(90, buffer);

        Assert.That(sketch.PrefixLength, Is.EqualTo(100), "growth by a quarter is clamped to the cap");
        var expected = new CodedSymbol[4];
        SketchTestSets.Encoder(key, ids, 100).CopySymbols(90, expected);
        Assert.That(buffer, Is.EqualTo(expected));
    }

    [TestCase(110, 1000, 125)] // a small step grows by a quarter
    [TestCase(300, 1000, 300)] // a large one to what is wanted
    [TestCase(300, 120, 120)] // never past the limit
    [TestCase(900, 5000, 400)] // nor past the cap
    [TestCase(50, 1000, 100)] // nothing to do
    public void ComputeAhead_GrowsByAQuarterAtLeast_WithinTheLimitAndTheCap(long wanted, long limit, int expected)
    {
        var random = new Random(9400);
        var key = SketchKey.FromRandom(random);
        var ids = SketchTestSets.RandomIds(random, 300);
        var sketch = new LocalSketch(key, ids, 100, maxPrefixLength: 400);

        sketch.ComputeAhead(wanted, limit);

        Assert.That(sketch.PrefixLength, Is.EqualTo(expected));
        var expectedSymbols = new CodedSymbol[expected];
        var actual = new CodedSymbol[expected];
        SketchTestSets.Encoder(key, ids, expected).CopySymbols(0, expectedSymbols);
        sketch.CopySymbols(0, actual);
        Assert.That(actual, Is.EqualTo(expectedSymbols));
    }

    [TestCase(0)]
    [TestCase(101)]
    public void Constructor_PrefixOutsideOneToTheCap_Throws(int prefixLength)
    {
        var ids = SketchTestSets.RandomIds(new Random(9300), 10);
        Assert.That(() => new LocalSketch(SketchKey.FromRandom(new Random(9301)), ids, prefixLength, maxPrefixLength: 100), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Constructor_RepeatedId_Throws()
    {
        var ids = SketchTestSets.RandomIds(new Random(6), 10);
        ids[7] = ids[2];
        Assert.That(() => new LocalSketch(SketchKey.FromRandom(new Random(7)), ids), Throws.ArgumentException);
    }
}
