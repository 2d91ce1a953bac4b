using LedgerSync.Protocol;

namespace LedgerSync.Tests.Protocol;

public sealed class SymbolFlowPolicyTests
{
    [TestCase(0, 0, 1)]
    [TestCase(1000, 1000, 1)]
    [TestCase(1000, 1001, 1)]
    [TestCase(1000, 1010, 16)]
    [TestCase(1000, 2000, 1451)]
    public void FirstBurst_SetSizes_IsOneOrAboutOnePointFourFiveTimesTheLowerBound(long requester, long responder, long expected) =>
        Assert.That(SymbolFlowPolicy.FirstBurst(requester, responder), Is.EqualTo(expected));

    [Test]
    public void IsDecodable_LowerBoundPastWhatAnEncoderHolds_IsFalse()
    {
        Assert.That(SymbolFlowPolicy.IsDecodable(0, SymbolFlowPolicy.MaxDecodableDifferences), Is.True);
        Assert.That(SymbolFlowPolicy.IsDecodable(0, SymbolFlowPolicy.MaxDecodableDifferences + 1), Is.False);
        Assert.That(SymbolFlowPolicy.IsDecodable(int.MaxValue, 0), Is.False);
    }

    [Test]
    public void NextCredit_NoEstimate_GrowsFourfold() =>
        Assert.That(SymbolFlowPolicy.NextCredit(100, 1_000_000, null, 0), Is.EqualTo(400));

    [Test]
    public void NextCredit_Estimate_AsksForTheEstimateAtOnce() =>
        Assert.That(SymbolFlowPolicy.NextCredit(100, 1_000_000, 1000, 0), Is.EqualTo((long)Math.Ceiling((1.4 * 1000) + (2 * Math.Sqrt(1000)) + 4)));

    [Test]
    public void NextCredit_PastTheEstimate_StepsDoubleWithEachRoundTrip()
    {
        var steps = Enumerable.Range(0, 4).Select(stalls => SymbolFlowPolicy.NextCredit(40, 1_000_000, 10, 0, stalls) - 40).ToArray();

        Assert.That(SymbolFlowPolicy.IsPastEstimate(40, 10, 0), Is.True);
        Assert.That(steps, Is.EqualTo(new long[] { 4, 8, 16, 32 }));
    }

    [Test]
    public void NextCredit_Always_StaysWithinTheExchange() =>
        Assert.That(SymbolFlowPolicy.NextCredit(900, 1024, null, 0), Is.EqualTo(1024));
}
