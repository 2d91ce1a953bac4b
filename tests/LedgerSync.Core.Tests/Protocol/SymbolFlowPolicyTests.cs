using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Tests.Protocol;

public sealed class SymbolFlowPolicyTests
{
    [TestCase(0, 0, 1)]
    [TestCase(1000, 1000, 1)]
    [TestCase(1000, 1001, 1)]
    [TestCase(1000, 1010, 25)] // 13.5 + 3.5·√10 = 24.57
    [TestCase(1000, 2000, 1461)] // 1350 + 3.5·√1000 = 1460.68
    [TestCase(0, 3, 11)] // 4.05 + 3.5·√3 = 10.11
    public void FirstBurst_SetSizes_IsOneOrTheBurstForTheLowerBound(long requester, long responder, long expected) =>
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
    public void NextCredit_Estimate_AsksForTheTargetAtOnce()
    {
        Assert.That(SymbolFlowPolicy.NextCredit(100, 1_000_000, 1000, 0), Is.EqualTo(SymbolFlowPolicy.FinalTarget(1000, 0)));
        Assert.That(SymbolFlowPolicy.NextCredit(100, 1_000_000, 1000, 0, lastRoundTrip: false), Is.EqualTo(SymbolFlowPolicy.EarlyTarget(1000, 0)));
    }

    // The decoder's need (symbols) at the 90th and 99th percentile, measured by SymbolsNeededMeasurement (docs/sketches.md).
    [TestCase(10, 23, 33)]
    [TestCase(100, 160, 177)]
    [TestCase(1000, 1412, 1448)]
    [TestCase(10_000, 13_670, 13_820)]
    [TestCase(100_000, 135_800, 135_800)]
    public void Targets_CoverTheDecodersNeed_WithABoundedOvershoot(int d, int p90, int p99)
    {
        var early = SymbolFlowPolicy.EarlyTarget(d, 0);
        var final = SymbolFlowPolicy.FinalTarget(d, 0);

        Assert.That(early, Is.GreaterThanOrEqualTo(p90), "the second round trip's grant reaches the 90th percentile");
        Assert.That(final, Is.GreaterThan(p99), "the last round trip's grant passes the 99th percentile");
        Assert.That(final, Is.GreaterThan(early));
        Assert.That((double)final / p99, Is.LessThan(d >= 1000 ? 1.03 : 1.6), "overshoot stays bounded");
    }

    [Test]
    public void Targets_NeverBelowTheLowerBound() =>
        Assert.That(SymbolFlowPolicy.EarlyTarget(10, 5000), Is.GreaterThan(1.35 * 5000));

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
    public void EstimatedRound_IsTheBurstForTheEstimateOrTheLowerBound_WithinItsLimits()
    {
        Assert.That(SymbolFlowPolicy.EstimatedRound(1000, 0, 1, 1_000_000), Is.EqualTo(1461));
        Assert.That(SymbolFlowPolicy.EstimatedRound(10, 2000, 1, 1_000_000), Is.EqualTo(SymbolFlowPolicy.FirstBurst(0, 2000)));
        Assert.That(SymbolFlowPolicy.EstimatedRound(10, 0, 500, 1_000_000), Is.EqualTo(500), "never below the credit's minimum");
        Assert.That(SymbolFlowPolicy.EstimatedRound(1_000_000, 0, 1, 5000), Is.EqualTo(5000), "never past the cap");
        Assert.That(SymbolFlowPolicy.EstimatedRound(0.4, 0, 1, 5000), Is.EqualTo(1), "a single symbol confirms no difference");
    }

    [Test]
    public void RoundFromLateEstimate_IsTheMedianNeedRaisedByTheCombinedSpread_WithinItsLimits()
    {
        // d̂ = 1,000: median need 1,350 + 0.7·√1,000 = 1,372.1; spread √(0.1² + (0.89/√1,000)²) = 0.1039; × e^(2.33 × 0.1039).
        Assert.That(SymbolFlowPolicy.RoundFromLateEstimate(1000, 1, 4, 1_000_000), Is.EqualTo(1748));
        Assert.That(SymbolFlowPolicy.RoundFromLateEstimate(1000, 1, 4, 1_000_000), Is.GreaterThan(SymbolFlowPolicy.EstimatedRound(1000, 1, 4, 1_000_000)));
        Assert.That(SymbolFlowPolicy.RoundFromLateEstimate(10, 40, 4, 1_000_000), Is.EqualTo(SymbolFlowPolicy.RoundFromLateEstimate(40, 1, 4, 1_000_000)), "the lower bound replaces a lower estimate");
        Assert.That(SymbolFlowPolicy.RoundFromLateEstimate(10, 1, 500, 1_000_000), Is.EqualTo(500), "never below the credit's minimum");
        Assert.That(SymbolFlowPolicy.RoundFromLateEstimate(1_000_000, 1, 4, 5000), Is.EqualTo(5000), "never past the cap");
        Assert.That(SymbolFlowPolicy.RoundFromLateEstimate(0, 1, 4, 5000), Is.EqualTo(4), "estimators that compare equal leave the credit's minimum");
    }

    // Over 20 estimates from 1,000 to 1,000,000: the round is 1.26–1.28 × the median need, less than a margin of 2.33
    // deviations on the estimate alone plus the decoder's 99th percentile would ask for.
    [Test]
    public void RoundFromLateEstimate_LargeD_StaysBelowTheTwoMarginsAdded()
    {
        for (var d = 1000.0; d <= 1_000_000; d *= 1.44)
        {
            var round = SymbolFlowPolicy.RoundFromLateEstimate(d, 1, 4, long.MaxValue);
            var median = (1.35 * d) + (0.7 * Math.Sqrt(d));
            var added = SymbolFlowPolicy.BurstFor(d * Math.Exp(SymbolFlowPolicy.LateEstimateMargin * DifferenceEstimator.FineDeviation));

            Assert.That(round / median, Is.InRange(1.26, 1.28), $"d = {d:F0}");
            Assert.That(round, Is.LessThan(added), $"d = {d:F0}");
        }
    }

    // The decoder's 99th percentile of the need (symbols), two-sided, measured by SymbolsNeededMeasurement over 2,000–4,000
    // seeds: an exact estimate sizes a round that covers it, which the margin alone does not at small d.
    [TestCase(3, 15)]
    [TestCase(5, 21)]
    [TestCase(7, 28)]
    [TestCase(10, 34)]
    [TestCase(15, 45)]
    [TestCase(31, 75)]
    [TestCase(63, 121)]
    [TestCase(100, 177)]
    [TestCase(1000, 1460)]
    public void RoundFromLateEstimate_ExactEstimate_CoversTheDecodersNinetyNinthPercentile(int d, int p99) =>
        Assert.That(SymbolFlowPolicy.RoundFromLateEstimate(d, 1, 4, 1_000_000), Is.GreaterThanOrEqualTo(p99));

    // The same percentiles: at d = 7–31 the combined spread alone leaves them uncovered, and the small-d allowance is what
    // covers them.
    [TestCase(7, 28)]
    [TestCase(15, 45)]
    [TestCase(31, 75)]
    public void RoundFromLateEstimate_SmallD_WithoutTheAllowanceFallsShortOfTheNinetyNinthPercentile(int d, int p99)
    {
        var round = SymbolFlowPolicy.RoundFromLateEstimate(d, 1, 4, 1_000_000);

        Assert.That(round - SymbolFlowPolicy.SmallDifferenceAllowance(d), Is.LessThan(p99));
        Assert.That(round, Is.GreaterThanOrEqualTo(p99));
    }

    // The decoder's need (symbols) at the 90th percentile, measured by SymbolsNeededMeasurement (docs/sketches.md).
    [TestCase(10, 23)]
    [TestCase(100, 160)]
    [TestCase(1000, 1412)]
    [TestCase(10_000, 13_670)]
    public void BurstFor_CoversTheDecodersNinetiethPercentile_WithinTenPercent(int d, int p90)
    {
        Assert.That(SymbolFlowPolicy.BurstFor(d), Is.GreaterThanOrEqualTo(p90));
        Assert.That(SymbolFlowPolicy.BurstFor(d), Is.LessThan(p90 * 1.1));
    }

    [Test]
    public void CombineEstimates_MoreEmptySymbols_NarrowsTheMarginTowardsTheSymbolsEstimate()
    {
        var few = SymbolFlowPolicy.CombineEstimates(1000, 4, 1000)!.Value;
        var many = SymbolFlowPolicy.CombineEstimates(1000, 400, 1000)!.Value;

        Assert.That(few, Is.GreaterThan(many));
        Assert.That(many, Is.InRange(1000, 1000 * 1.06));
        Assert.That(SymbolFlowPolicy.CombineEstimates(null, 0, null), Is.Null);
        Assert.That(SymbolFlowPolicy.CombineEstimates(null, 0, 800), Is.EqualTo(800 * Math.Exp(SymbolFlowPolicy.UncertaintyMargin * 0.27)).Within(1e-6));
        Assert.That(SymbolFlowPolicy.CombineEstimates(null, 0, 800, margin: 0), Is.EqualTo(800).Within(1e-6));
        Assert.That(SymbolFlowPolicy.CombineEstimates(1000, 400, 1000, margin: 0), Is.EqualTo(1000).Within(1e-6));
    }

    [Test]
    public void NextCredit_PastTheEstimate_StepsDoubleWithEachRoundTrip()
    {
        var steps = Enumerable.Range(0, 4).Select(stalls => SymbolFlowPolicy.NextCredit(80, 1_000_000, 10, 0, stalls) - 80).ToArray();

        Assert.That(SymbolFlowPolicy.IsPastEstimate(80, 10, 0), Is.True);
        Assert.That(steps, Is.EqualTo(new long[] { 18, 36, 72, 144 }), "a step is 2√received (18 at 80) doubled per round trip past the estimate");
    }

    [Test]
    public void NextCredit_PastTheEstimateWithFewSymbolsStuck_GrowsWithTheSymbolsReceived()
    {
        // A two-sided run at d = 5 stuck after 44 symbols with 2 IDs in 3 symbols: it took steps of 14 to the last round.
        Assert.That(SymbolFlowPolicy.NextCredit(44, 1_000_000, 4.8, 1, stuckSymbols: 3), Is.EqualTo(44 + 118), "8 × 44 / 3, rounded up");
        Assert.That(SymbolFlowPolicy.NextCredit(44, 1_000_000, 4.8, 1), Is.EqualTo(44 + 14), "without the stuck symbols: 2√44");
        Assert.That(SymbolFlowPolicy.NextCredit(10_000, 1_000_000, 10_000, 0, stuckSymbols: 5000), Is.EqualTo(SymbolFlowPolicy.FinalTarget(10_000, 0)), "short of the estimate the target decides");
        Assert.That(SymbolFlowPolicy.NextCredit(14_000, 1_000_000, 10_000, 0, stuckSymbols: 500), Is.EqualTo(14_000 + 875), "a large stuck remainder keeps the step of 1/16");
    }

    [Test]
    public void NextCredit_Always_StaysWithinTheExchange() =>
        Assert.That(SymbolFlowPolicy.NextCredit(900, 1024, null, 0), Is.EqualTo(1024));
}
