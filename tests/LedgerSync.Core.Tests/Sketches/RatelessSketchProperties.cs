using FsCheck;
using FsCheck.Fluent;
using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

/// <summary>
/// Properties of the rateless sketch over random pairs of sets with a random overlap, checked by FsCheck with a
/// fixed seed (<c>Replay</c>): the same sets on every run, and a failure names the sizes and seed that broke it.
/// </summary>
public sealed class RatelessSketchProperties
{
    private const string Seed = "20261202,7";

    /// <summary>Two sets A and B: <c>Common</c> shared IDs, <c>OnlyA</c> in A alone, <c>OnlyB</c> in B alone, all drawn from <c>IdSeed</c>.</summary>
    public sealed record SetPair(int IdSeed, int Common, int OnlyA, int OnlyB)
    {
        public TransactionId[] Shared { get; } = Ids(IdSeed, 0, Common);

        public TransactionId[] AOnly { get; } = Ids(IdSeed, 1, OnlyA);

        public TransactionId[] BOnly { get; } = Ids(IdSeed, 2, OnlyB);

        public SketchKey Key { get; } = SketchKey.FromRandom(new Random(unchecked((IdSeed * 4) + 3)));

        public IEnumerable<TransactionId> A => Shared.Concat(AOnly);

        public IEnumerable<TransactionId> B => Shared.Concat(BOnly);

        private static TransactionId[] Ids(int seed, int part, int count) =>
            SketchTestSets.RandomIds(new Random(unchecked((seed * 4) + part)), count);
    }

    /// <summary>Bounded sizes; the difference is sometimes empty, one-sided, or all of a set.</summary>
    private static Arbitrary<SetPair> SetPairs()
    {
        var size = Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose(1, 3)), (3, Gen.Choose(0, 120)));
        return Gen.Choose(0, int.MaxValue)
            .SelectMany(_ => Gen.Choose(0, 400), (seed, common) => (seed, common))
            .SelectMany(_ => size.Two(), (p, sides) => new SetPair(p.seed, p.common, sides.Item1, sides.Item2))
            .ToArbitrary();
    }

    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 200, QuietOnSuccess = true)]
    public Property Decode_EnoughSymbols_RecoversExactlyBothSetDifferences() =>
        Prop.ForAll(SetPairs(), pair =>
        {
            var a = SketchTestSets.Encoder(pair.Key, pair.A);
            var b = SketchTestSets.Encoder(pair.Key, pair.B);
            var d = pair.OnlyA + pair.OnlyB;

            // A is local, B is remote: the decoder subtracts A's symbols from B's and peels.
            var decoder = SketchTestSets.Reconcile(b, a, new Random(pair.IdSeed), maxSymbols: (4 * d) + 64, maxBatch: 16);

            return (decoder.TryDecode(out var difference)
                    && difference.RemoteOnly.ToHashSet().SetEquals(pair.BOnly)
                    && difference.LocalOnly.ToHashSet().SetEquals(pair.AOnly)
                    && difference.Count == d)
                .Label($"d = {d}, symbols received = {decoder.SymbolsReceived}");
        });

    /// <summary>The sketch is linear: symbol i of A XOR symbol i of B is symbol i of the symmetric difference.</summary>
    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 200, QuietOnSuccess = true)]
    public Property Symbols_OfAXorB_EqualTheSymbolsOfTheSymmetricDifference() =>
        Prop.ForAll(SetPairs(), Gen.Choose(1, 300).ToArbitrary(), (pair, length) =>
        {
            var a = Symbols(SketchTestSets.Encoder(pair.Key, pair.A, 16), length);
            var b = Symbols(SketchTestSets.Encoder(pair.Key, pair.B, 16), length);
            var shared = Symbols(SketchTestSets.Encoder(pair.Key, pair.Shared, 16), length);
            var difference = Symbols(SketchTestSets.Encoder(pair.Key, pair.AOnly.Concat(pair.BOnly), 16), length);

            for (var i = 0; i < length; i++)
            {
                var sum = new TransactionId(a[i].Sum.Word0 ^ b[i].Sum.Word0, a[i].Sum.Word1 ^ b[i].Sum.Word1, a[i].Sum.Word2 ^ b[i].Sum.Word2, a[i].Sum.Word3 ^ b[i].Sum.Word3);
                if (sum != difference[i].Sum
                    || (a[i].Checksum ^ b[i].Checksum) != difference[i].Checksum
                    || a[i].Count + b[i].Count - (2 * shared[i].Count) != difference[i].Count)
                {
                    return false.Label($"symbol {i} of {length}");
                }
            }

            return true.ToProperty();
        });

    /// <summary>
    /// Adding an ID and removing it again leaves every symbol as it was, also when the maintained prefix grows in
    /// between (the removal must undo the ID's mappings past the prefix it was added under).
    /// </summary>
    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 200, QuietOnSuccess = true)]
    public Property AddThenRemove_AnyNewId_LeavesTheSketchUnchanged() =>
        Prop.ForAll(SetPairs(), Gen.Choose(1, 64).ToArbitrary(), Gen.Choose(0, 400).ToArbitrary(), (pair, prefix, growBy) =>
        {
            var expected = SketchTestSets.Encoder(pair.Key, pair.A, prefix);
            var encoder = SketchTestSets.Encoder(pair.Key, pair.A, prefix);
            var extra = pair.BOnly.Length > 0 ? pair.BOnly[0] : TransactionId.Random(new Random(~pair.IdSeed));
            var countBefore = encoder.Count;

            var added = encoder.Add(extra);
            encoder.EnsurePrefixLength(prefix + growBy);
            var removed = encoder.Remove(extra);
            var length = prefix + growBy + 50; // past the prefix: symbols computed after the removal must agree too

            return (added && removed
                    && !encoder.Contains(extra)
                    && encoder.Count == countBefore
                    && Symbols(encoder, length).SequenceEqual(Symbols(expected, length)))
                .Label($"prefix {prefix}, grown by {growBy}");
        });

    private static CodedSymbol[] Symbols(RatelessEncoder encoder, int length)
    {
        var symbols = new CodedSymbol[length];
        encoder.CopySymbols(0, symbols);
        return symbols;
    }
}
