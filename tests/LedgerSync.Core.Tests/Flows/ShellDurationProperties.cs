using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using LedgerSync.Flows;

namespace LedgerSync.Tests.Flows;

/// <summary>
/// Properties of the flow parameter durations (<c>repeatEvery</c>: <see cref="ShellDuration"/> behind
/// <see cref="FlowArguments.OptionalDuration"/>), checked by FsCheck with a fixed seed.
/// </summary>
public sealed class ShellDurationProperties
{
    private const string Seed = "20261202,3";

    private static readonly char[] GrammarAlphabet = " 0123456789HMShms:.-+D\t".ToCharArray();

    private static Arbitrary<string> NearlyDurations() =>
        Gen.OneOf(
                Gen.Elements(GrammarAlphabet).ArrayOf().Select(chars => new string(chars)),
                ArbMap.Default.ArbFor<string>().Generator.Where(s => s is not null))
            .ToArbitrary();

    /// <summary>A flow parameter never fails with anything but the typed <see cref="FlowArgumentException"/>.</summary>
    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 2000, QuietOnSuccess = true)]
    public Property OptionalDuration_AnyText_ReturnsAPositiveDurationOrThrowsFlowArgumentException() =>
        Prop.ForAll(NearlyDurations(), text => DurationOrTypedError(text));

    /// <summary>Hours, minutes and seconds up to nine digits each (the largest the parser reads) never escape as an overflow.</summary>
    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 500, QuietOnSuccess = true)]
    public Property OptionalDuration_LargeNumbers_ReturnsADurationOrThrowsFlowArgumentException() =>
        Prop.ForAll(
            Gen.Choose(0, 999_999_999).Three()
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Item1}H{t.Item2}M{t.Item3}S"))
                .ToArbitrary(),
            text => DurationOrTypedError(text));

    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 500, QuietOnSuccess = true)]
    public Property OptionalDuration_FormattedWholeSeconds_ReadsTheSameDuration() =>
        Prop.ForAll(Gen.Choose(1, int.MaxValue).Select(s => TimeSpan.FromSeconds(s)).ToArbitrary(), value =>
            Arguments(LedgerSyncDuration.Format(value)).OptionalDuration("repeatEvery") == value);

    [TestCase("1h 30m", 5400)]
    [TestCase(" 5H3M2S ", 18182)]
    [TestCase("999999999S", 999999999)]
    public void OptionalDuration_Examples_ReadTheDuration(string text, long seconds) =>
        Assert.That(Arguments(text).OptionalDuration("repeatEvery"), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [TestCase("419580628H")]
    [TestCase("1 0H")]
    [TestCase("1 H")]
    [TestCase("\u017F")]
    [TestCase("H")]
    [TestCase("")]
    public void OptionalDuration_OutOfRangeOrMalformed_ThrowsFlowArgumentException(string text) =>
        Assert.That(() => Arguments(System.Text.RegularExpressions.Regex.Unescape(text)).OptionalDuration("repeatEvery"),
            Throws.TypeOf<FlowArgumentException>().With.Property(nameof(FlowArgumentException.Parameter)).EqualTo("repeatEvery"));

    private static bool DurationOrTypedError(string text)
    {
        try
        {
            return Arguments(text).OptionalDuration("repeatEvery") > TimeSpan.Zero;
        }
        catch (FlowArgumentException e)
        {
            return e.Parameter == "repeatEvery";
        }
    }

    private static FlowArguments Arguments(string repeatEvery) =>
        new("ScheduleReconciliationFlow", new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["repeatEvery"] = [repeatEvery] });
}
