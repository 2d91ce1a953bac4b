using LedgerSync.Sketches;

namespace LedgerSync.Testing;

/// <summary>
/// Deterministic sketch keys for tests and benchmarks. A key made here is NOT secret (anyone who knows the seed knows
/// the key, and can craft colliding IDs): production code uses <see cref="SketchKey.CreateRandom"/>.
/// </summary>
public static class TestSketchKeys
{
    /// <summary>Creates a key from 16 bytes drawn from <paramref name="random"/> (the same seed gives the same key).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is <see langword="null"/>.</exception>
    public static SketchKey FromRandom(Random random) => SketchKey.FromRandom(random);

    /// <summary>Creates the key <c>new Random(seed)</c> would give <see cref="FromRandom"/>.</summary>
    public static SketchKey FromSeed(int seed) => SketchKey.FromRandom(new Random(seed));
}
