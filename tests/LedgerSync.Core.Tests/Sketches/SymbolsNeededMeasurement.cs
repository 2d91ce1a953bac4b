using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

/// <summary>
/// Measures the symbols needed to decode, per difference size, and the toggles (corrected false peels) seen. Explicit:
/// run it by name (see docs/sketches.md); it prints a table and fails only on a wrong or failed decode.
/// </summary>
[TestFixture]
[Explicit("measurement: prints symbols-needed percentiles")]
[Category("Measurement")]
public sealed class SymbolsNeededMeasurement
{
    [TestCase(1, 2000)]
    [TestCase(10, 2000)]
    [TestCase(100, 1000)]
    [TestCase(1000, 200)]
    [TestCase(10_000, 30)]
    [TestCase(100_000, 4)]
    public void SymbolsNeeded(int d, int seeds)
    {
        foreach (var twoSided in new[] { false, true })
        {
            var used = new List<double>();
            long toggles = 0, peels = 0, wrong = 0;
            for (var seed = 0; seed < seeds; seed++)
            {
                var random = new Random((d * 7919) + seed + (twoSided ? 1_000_003 : 0));
                var key = SketchKey.FromRandom(random);
                var shared = SketchTestSets.RandomIds(random, 50);
                var remoteIds = SketchTestSets.RandomIds(random, twoSided ? d - (d / 2) : d);
                var localIds = SketchTestSets.RandomIds(random, twoSided ? d / 2 : 0);
                var remote = SketchTestSets.Encoder(key, shared.Concat(remoteIds));
                var local = SketchTestSets.Encoder(key, shared.Concat(localIds));
                var decoder = SketchTestSets.Reconcile(remote, local, random, maxSymbols: (4 * d) + 200, maxBatch: 64);
                if (!decoder.TryDecode(out var difference) || !SameSet(difference.RemoteOnly, remoteIds) || !SameSet(difference.LocalOnly, localIds))
                {
                    wrong++;
                    continue;
                }

                used.Add(difference.SymbolsUsed);
                toggles += decoder.ToggleCount;
                peels += decoder.PeelEvents;
            }

            used.Sort();
            var p50 = Percentile(used, 0.50);
            var p90 = Percentile(used, 0.90);
            var p99 = Percentile(used, 0.99);
            TestContext.Out.WriteLine(
                $"d={d,7} {(twoSided ? "two" : "one")}-sided seeds={seeds,5} symbols/d p50={p50 / d:F3} p90={p90 / d:F3} p99={p99 / d:F3} "
                + $"bytes/(32d) at 35 B (shipped) p50={Bytes(p50, 35) / (32.0 * d):F3} p90={Bytes(p90, 35) / (32.0 * d):F3} at 34 B (16-bit, not shipped) p50={Bytes(p50, 34) / (32.0 * d):F3} p90={Bytes(p90, 34) / (32.0 * d):F3} "
                + $"toggles={toggles} peels={peels} failed-or-wrong={wrong}");
            Assert.That(wrong, Is.Zero);
        }
    }

    private static double Bytes(double symbols, int late) => (Math.Min(symbols, 256) * 36) + (Math.Max(0, symbols - 256) * late);

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static bool SameSet(IReadOnlyList<TransactionId> actual, TransactionId[] expected) =>
        actual.Count == expected.Length && actual.ToHashSet().SetEquals(expected);
}
