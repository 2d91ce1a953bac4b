using LedgerSync.Testing;

namespace LedgerSync.Tests.TestAids;

/// <summary>The deterministic keys and IDs of the LedgerSync.Testing package.</summary>
public sealed class TestAidsTests
{
    [Test]
    public void TestSketchKeys_SameSeed_SameKey_OtherSeed_OtherKey()
    {
        var key = TestSketchKeys.FromSeed(7);
        var again = TestSketchKeys.FromSeed(7);
        var other = TestSketchKeys.FromSeed(8);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(key));
            Assert.That(TestSketchKeys.FromRandom(new Random(7)), Is.EqualTo(key));
            Assert.That(other, Is.Not.EqualTo(key));
        });
    }

    [Test]
    public void TestTransactionIds_FromSeed_IsReproducibleAndDistinct()
    {
        var first = TestTransactionIds.FromSeed(11, 500);
        var again = TestTransactionIds.FromSeed(11, 500);
        var other = TestTransactionIds.FromSeed(12, 500);

        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.EqualTo(500));
            Assert.That(again, Is.EqualTo(first));
            Assert.That(first.Distinct().Count(), Is.EqualTo(500));
            Assert.That(other.Intersect(first), Is.Empty);
            Assert.That(first[0], Is.EqualTo(TestTransactionIds.FromRandom(new Random(11))));
        });
    }

    [Test]
    public void TestTransactionIds_FromSeed_NegativeCount_Throws()
    {
        Assert.That(() => TestTransactionIds.FromSeed(1, -1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [TestCase(0L, "0000000000000000")]
    [TestCase(1L, "0000000000000001")]
    [TestCase(0x1234_5678_9ABC_DEF0L, "123456789ABCDEF0")]
    public void TestTransactionIds_Sequential_EndsWithTheNumberInHex(long number, string tail)
    {
        var text = TestTransactionIds.Sequential(number).ToString();

        Assert.That(text, Is.EqualTo(new string('0', TransactionId.HexLength - 16) + tail));
    }

    [Test]
    public void TestTransactionIds_Sequential_DistinctNumbers_DistinctIds()
    {
        var ids = Enumerable.Range(0, 1000).Select(i => TestTransactionIds.Sequential(i)).ToHashSet();

        Assert.That(ids, Has.Count.EqualTo(1000));
    }

    [Test]
    public void TestSketchKeys_FromRandom_Null_Throws()
    {
        Assert.That(() => TestSketchKeys.FromRandom(null!), Throws.ArgumentNullException);
    }
}
