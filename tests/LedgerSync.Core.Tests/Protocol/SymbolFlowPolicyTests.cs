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
        Assert.That(SymbolFlowPolicy.NextCredit(100, 1_000_000, 1000, 0), Is.EqualTo((long)Math.Ceiling((1.35 * 1000) + (3 * Math.Sqrt(1000)) + 4)));

    [Test]
    public void NextCredit_Estimate_MayPassTheExchangeCeiling() =>
        Assert.That(SymbolFlowPolicy.NextCredit(900, 1024, 1000, 0), Is.GreaterThan(1024));

    [TestCase(null, 0L, true)]
    [TestCase(null, 500L, true)]
    [TestCase(10.0, 0L, true)]
    [TestCase(520.0, 500L, false)]
    [TestCase(1500.0, 500L, true)]
    public void ShouldSendEstimator_OnlyWhenTheSymbolsSayLittle(double? estimate, long lowerBound, bool expected) =>
        Assert.That(SymbolFlowPolicy.ShouldSendEstimator(estimate, lowerBound), Is.EqualTo(expected));

    [Test]
    public void EstimatedBurst_IsAboutTheLowerEstimatesNeedAndAtLeastTheFirstBurst()
    {
        Assert.That(SymbolFlowPolicy.EstimatedBurst(1000, 0), Is.EqualTo(1204));
        Assert.That(SymbolFlowPolicy.EstimatedBurst(10, 2000), Is.EqualTo(SymbolFlowPolicy.FirstBurst(0, 2000)));
    }

    [Test]
    public void CombineEstimates_MoreEmptySymbols_NarrowsTheMarginTowardsTheSymbolsEstimate()
    {
        var few = SymbolFlowPolicy.CombineEstimates(1000, 4, 1000)!.Value;
        var many = SymbolFlowPolicy.CombineEstimates(1000, 400, 1000)!.Value;

        Assert.That(few, Is.GreaterThan(many));
        Assert.That(many, Is.InRange(1000, 1000 * 1.04));
        Assert.That(SymbolFlowPolicy.CombineEstimates(null, 0, null), Is.Null);
        Assert.That(SymbolFlowPolicy.CombineEstimates(null, 0, 800), Is.EqualTo(800 * Math.Exp(1.6 * 0.27)).Within(1e-6));
    }

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
