using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

/// <summary>Self-correcting (toggle) peeling: a false peel is XORed back out, and the peel work is bounded.</summary>
[TestFixture]
public sealed class RatelessDecoderToggleTests
{
    [Test]
    public void ForcedFalsePeel_IsToggledOut_AndTheRightDifferenceDecodes()
    {
        var random = new Random(20261202);
        var toggled = 0;
        for (var trial = 0; trial < 300; trial++)
        {
            var key = SketchKey.FromRandom(random);
            var shared = SketchTestSets.RandomIds(random, random.Next(1, 60));
            var remoteIds = SketchTestSets.RandomIds(random, random.Next(0, 400));
            var localIds = SketchTestSets.RandomIds(random, random.Next(0, 400));
            var remote = SketchTestSets.Encoder(key, shared.Concat(remoteIds), 16);
            var local = SketchTestSets.Encoder(key, shared.Concat(localIds), 16);
            var decoder = new RatelessDecoder(local, remote.Count);
            var buffer = new CodedSymbol[random.Next(1, 40)];
            remote.CopySymbols(0, buffer);
            decoder.AddRemoteSymbols(0, buffer);

            // A false peel: an ID neither side has, so remote-only by membership, as every false peel of an honest
            // stream is (its sum is a random value, in the local set only by a 2^-256 chance; a local ID is never toggled).
            var falseId = TransactionId.Random(random);
            decoder.ForcePeel(falseId);

            var chunk = new CodedSymbol[16];
            while (!decoder.IsDecoded && decoder.SymbolsReceived < 20_000)
            {
                var first = decoder.NextExpectedIndex;
                remote.CopySymbols(first, chunk);
                decoder.AddRemoteSymbols(first, chunk);
            }

            Assert.That(decoder.TryDecode(out var difference), Is.True, $"trial {trial} decodes");
            Assert.That(difference!.RemoteOnly, Is.EquivalentTo(remoteIds), $"trial {trial} remote-only");
            Assert.That(difference.LocalOnly, Is.EquivalentTo(localIds), $"trial {trial} local-only");
            Assert.That(difference.RemoteOnly.Concat(difference.LocalOnly), Does.Not.Contain(falseId));
            Assert.That(decoder.ToggleCount, Is.GreaterThanOrEqualTo(1), $"trial {trial} toggled the false ID out");
            toggled += decoder.ToggleCount;
        }

        Assert.That(toggled, Is.GreaterThanOrEqualTo(300));
    }

    [Test]
    public void ForcedTruePeel_NeedsNoToggle()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 100; trial++)
        {
            var key = SketchKey.FromRandom(random);
            var remoteIds = SketchTestSets.RandomIds(random, random.Next(1, 200));
            var remote = SketchTestSets.Encoder(key, remoteIds, 16);
            var local = SketchTestSets.Encoder(key, [], 16);
            var decoder = new RatelessDecoder(local, remote.Count);
            var first = new CodedSymbol[1];
            remote.CopySymbols(0, first);
            decoder.AddRemoteSymbols(0, first);
            decoder.ForcePeel(remoteIds[random.Next(remoteIds.Length)]);

            var chunk = new CodedSymbol[16];
            while (!decoder.IsDecoded && decoder.SymbolsReceived < 20_000)
            {
                var next = decoder.NextExpectedIndex;
                remote.CopySymbols(next, chunk);
                decoder.AddRemoteSymbols(next, chunk);
            }

            Assert.That(decoder.TryDecode(out var difference), Is.True);
            Assert.That(difference!.RemoteOnly, Is.EquivalentTo(remoteIds));
            Assert.That(decoder.ToggleCount, Is.Zero);
        }
    }

    [Test]
    public void HonestStreams_StayFarBelowTheWorkBound()
    {
        var random = new Random(11);
        foreach (var d in new[] { 1, 10, 100, 1000, 5000 })
        {
            var key = SketchKey.FromRandom(random);
            var remote = SketchTestSets.Encoder(key, SketchTestSets.RandomIds(random, d), 16);
            var local = SketchTestSets.Encoder(key, [], 16);
            var decoder = SketchTestSets.Reconcile(remote, local, random, maxSymbols: 20_000, maxBatch: 64);

            Assert.That(decoder.IsDecoded, Is.True, $"d={d}");
            Assert.That(decoder.PeelEvents, Is.LessThanOrEqualTo(decoder.SymbolsReceived + 1), $"d={d}: about one peel per symbol");
        }
    }

    [Test]
    public void TooManyPeelsForTheSymbolsReceived_ThrowsProtocolException()
    {
        var random = new Random(3);
        var key = SketchKey.FromRandom(random);
        var local = SketchTestSets.Encoder(key, SketchTestSets.RandomIds(random, 10), 16);
        var decoder = new RatelessDecoder(local, 10);
        var symbols = new CodedSymbol[10];
        for (var i = 0; i < symbols.Length; i++)
        {
            symbols[i] = new CodedSymbol(TransactionId.Random(random), (uint)random.Next(), 0);
        }

        decoder.AddRemoteSymbols(0, symbols);
        var limit = (RatelessDecoder.PeelWorkPerSymbol * decoder.SymbolsReceived) + RatelessDecoder.PeelWorkSlack;

        Assert.That(
            () =>
            {
                for (var k = 0; k <= limit; k++)
                {
                    decoder.ForcePeel(TransactionId.Random(random));
                }
            },
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("peels"));
        Assert.That(decoder.PeelEvents, Is.EqualTo(limit + 1));
    }

    [Test]
    public void HostileStream_EverySymbolPureForANewId_IsBoundedAndTyped()
    {
        // The peer knows the key: it sends, at each index, the remote-minus-local symbol of a fresh ID that maps there,
        // so every symbol peels. That is one peel per symbol, within the bound, and the run never decodes.
        var random = new Random(5);
        var key = SketchKey.FromRandom(random);
        var local = SketchTestSets.Encoder(key, [], 16);
        var decoder = new RatelessDecoder(local, 1);
        var hostile = SketchTestSets.Encoder(key, SketchTestSets.RandomIds(random, 3000), 16);
        var symbols = new CodedSymbol[4000];
        hostile.CopySymbols(0, symbols);

        Assert.That(() => decoder.AddRemoteSymbols(0, symbols), Throws.Nothing);
        Assert.That(decoder.IsDecoded, Is.False, "3,000 IDs announced as 1");
        Assert.That(decoder.PeelEvents, Is.LessThanOrEqualTo((RatelessDecoder.PeelWorkPerSymbol * decoder.SymbolsReceived) + RatelessDecoder.PeelWorkSlack));
    }

    // With checksums far weaker than any wire format's (8 bits, so false peels happen by the hundred), a one-sided
    // difference still decodes exactly in every trial: a local ID is never toggled out (membership decided its side,
    // so a symbol that looks pure as it again is mixed), and only the false remote-only peels are. Before this rule, 73
    // of these 100 trials (8 bits everywhere) and 10 of the 100 with 16 early bits never decoded: a mixed symbol whose
    // sum a false peel had made equal to a true ID, with colliding checksum bits, toggled that ID out for good.
    [TestCase(0xFFu, 1000, 100)]
    [TestCase(0xFFFFu, 3000, 10)]
    public void WeakChecksums_OneSided_NoLocalIdIsToggledOutAndEveryTrialDecodes(uint earlyMask, int d, int minimumToggles)
    {
        var (undecoded, wrong, toggles) = WeakChecksumTrials(new Random(5), earlyMask, localOnlyCount: d, remoteOnlyCount: 0, cap: (6 * d) + 64);

        Assert.Multiple(() =>
        {
            Assert.That(undecoded, Is.Zero, "trials left undecoded");
            Assert.That(wrong, Is.Zero, "wrong decodes");
            Assert.That(toggles, Is.GreaterThanOrEqualTo(minimumToggles), "false peels happened and were toggled out");
        });
    }

    // Two-sided, with the same weak checksums: the remote-only side is known only by its checksum, so a true remote-only
    // ID looked like a false peel when a false peel elsewhere left a mixed symbol equal to it, and was toggled out for
    // good. That left 55 of the 100 trials with 8-bit checksums and 1 of the 100 with 16 early bits undecoded at any
    // length; a real run did the same once (two-sided d = 100,001 at n = 1,000,000, the cap reached with two
    // remote-only IDs out). Now an ID is toggled out only when two of its symbols hold exactly it.
    [TestCase(0xFFu, 300)]
    [TestCase(0xFFu, 1000)]
    [TestCase(0xFFFFu, 3000)]
    public void WeakChecksums_TwoSided_EveryTrialDecodesExactly(uint earlyMask, int d)
    {
        var (undecoded, wrong, _) = WeakChecksumTrials(new Random(11), earlyMask, localOnlyCount: d / 2, remoteOnlyCount: d - (d / 2), cap: (6 * d) + 64);

        Assert.Multiple(() =>
        {
            Assert.That(undecoded, Is.Zero, "trials left undecoded");
            Assert.That(wrong, Is.Zero, "wrong decodes");
        });
    }

    /// <summary>
    /// 100 trials over 3,000 common short IDs plus the given differences, each under a new key, with every symbol's
    /// checksum cut to <paramref name="earlyMask"/> below index 256 and to 8 bits after; streams up to
    /// <paramref name="cap"/> symbols and counts the trials left undecoded, the wrong decodes and the toggles.
    /// </summary>
    private static (int Undecoded, int Wrong, long Toggles) WeakChecksumTrials(Random random, uint earlyMask, int localOnlyCount, int remoteOnlyCount, long cap)
    {
        const uint LateMask = 0xFF;
        var undecoded = 0;
        var wrong = 0;
        long toggles = 0;
        for (var trial = 0; trial < 100; trial++)
        {
            var key = SketchKey.FromRandom(random);
            var common = Shorts(random, 3000);
            var localOnly = Shorts(random, localOnlyCount);
            var remoteOnly = Shorts(random, remoteOnlyCount);
            var remote = new LocalSketch(key, [.. common, .. remoteOnly]);
            var decoder = new RatelessDecoder(new LocalSketch(key, [.. common, .. localOnly]), remote.Count, earlyMask, LateMask);
            var batch = new CodedSymbol[256];
            for (long sent = 0; !decoder.IsDecoded && sent < cap; sent += batch.Length)
            {
                remote.CopySymbols(sent, batch);
                for (var i = 0; i < batch.Length; i++)
                {
                    batch[i] = new CodedSymbol(batch[i].Sum, batch[i].Checksum & (sent + i < SymbolCodec.FullChecksumSymbols ? earlyMask : LateMask), 0);
                }

                decoder.AddRemoteSymbols(sent, batch);
            }

            toggles += decoder.ToggleCount;
            if (!decoder.TryDecode(out var difference))
            {
                undecoded++;
            }
            else if (!difference.RemoteOnly.ToHashSet().SetEquals(remoteOnly) || !difference.LocalOnly.ToHashSet().SetEquals(localOnly))
            {
                wrong++;
            }
        }

        return (undecoded, wrong, toggles);
    }

    private static TransactionId[] Shorts(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new TransactionId((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), 0, 0, 0)).Distinct()];
}
