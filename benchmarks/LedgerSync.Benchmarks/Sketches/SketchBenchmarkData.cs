using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Sketches;

/// <summary>Deterministic data for the sketch benchmarks.</summary>
internal static class SketchBenchmarkData
{
    public const int Seed = 20261122;

    public static TransactionId[] RandomIds(Random random, int count)
    {
        var ids = new TransactionId[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = TransactionId.Random(random);
        }

        return ids;
    }

    public static SketchKey Key(Random random) => SketchKey.FromRandom(random);
}
