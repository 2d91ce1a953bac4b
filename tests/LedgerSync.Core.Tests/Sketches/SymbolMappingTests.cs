using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

public sealed class SymbolMappingTests
{
    [Test]
    public void Next_ManyIterators_DensityIsOneOverOnePlusHalfIndex()
    {
        const int Elements = 200_000;
        const int Length = 64;
        var hits = new int[Length];
        var random = new Random(11);
        for (var e = 0; e < Elements; e++)
        {
            var state = (ulong)random.NextInt64();
            long index = 0;
            while (index < Length)
            {
                hits[index]++;
                index = SymbolMapping.Next(index, ref state);
            }
        }

        for (var i = 0; i < Length; i++)
        {
            var expected = Elements / (1 + (i / 2.0));
            Assert.That(hits[i], Is.EqualTo(expected).Within(5 * Math.Sqrt(expected) + 1), $"index {i}");
        }
    }

    [Test]
    public void Next_AlwaysIncreases()
    {
        var random = new Random(12);
        for (var trial = 0; trial < 10_000; trial++)
        {
            var state = (ulong)random.NextInt64();
            var current = random.NextInt64(0, 1L << 30);
            var next = SymbolMapping.Next(current, ref state);
            Assert.That(next, Is.GreaterThan(current));
        }
    }
}
