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

    // Found by these properties; the fix belongs to src/ (ShellDuration), outside the test-habits change. Remove the
    // [Ignore] attributes once ShellDuration rejects a number too large for a TimeSpan instead of throwing.
    private const string OverflowBug =
        "Product bug: ShellDuration.TryParse throws ArgumentOutOfRangeException from TimeSpan.FromHours for 419580628H (repeatEvery escapes FlowArgumentException)";

    private static readonly char[] GrammarAlphabet = " 0123456789HMShms:.-+D\t".ToCharArray();

    private static Arbitrary<string> NearlyDurations() =>
        Gen.OneOf(
                Gen.Elements(GrammarAlphabet).ArrayOf().Select(chars => new string(chars)),
                ArbMap.Default.ArbFor<string>().Generator.Where(s => s is not null))
            .ToArbitrary();

    /// <summary>A flow parameter never fails with anything but the typed <see cref="FlowArgumentException"/>.</summary>
    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 2000, QuietOnSuccess = true)]
    [Ignore(OverflowBug)]
    public Property OptionalDuration_AnyText_ReturnsAPositiveDurationOrThrowsFlowArgumentException() =>
        Prop.ForAll(NearlyDurations(), text => DurationOrTypedError(text));

    /// <summary>Hours, minutes and seconds up to nine digits each (the largest the parser reads) never escape as an overflow.</summary>
    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 500, QuietOnSuccess = true)]
    [Ignore(OverflowBug)]
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
