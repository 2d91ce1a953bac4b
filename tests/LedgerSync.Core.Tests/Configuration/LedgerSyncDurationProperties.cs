using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace LedgerSync.Tests.Configuration;

/// <summary>
/// Properties of the duration grammar (<see cref="LedgerSyncDuration"/>), checked by FsCheck with fixed seeds
/// (<c>Replay</c>) so a failure prints the same counterexample on every run.
/// </summary>
public sealed class LedgerSyncDurationProperties
{
    private const string Seed = "20261202,1";

    // The characters the grammar gives a meaning to, plus near misses (other letters, signs, other whitespace).
    private static readonly string[] UnitLetters = ["H", "h", "M", "m", "S", "s"];

    private static readonly char[] GrammarAlphabet = " 0123456789HMShms:.-+DdPpTt\t\u00a0\u017f".ToCharArray();

    /// <summary>Every non-negative duration: arbitrary ticks, whole seconds, and the edges.</summary>
    private static Arbitrary<TimeSpan> NonNegativeDurations()
    {
        var anyTicks = Gen.Choose(0, int.MaxValue).Two()
            .Select(t => TimeSpan.FromTicks((((long)t.Item1 << 31) | (uint)t.Item2) % (TimeSpan.MaxValue.Ticks + 1)));
        var wholeSeconds = Gen.Choose(0, int.MaxValue).Select(s => TimeSpan.FromSeconds(s));
        var wholeHours = Gen.Choose(0, (int)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerHour)).Select(h => TimeSpan.FromHours(h));
        var edges = Gen.Elements(
            TimeSpan.Zero,
            TimeSpan.FromTicks(1),
            TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1),
            TimeSpan.FromSeconds(59),
            TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(59),
            TimeSpan.FromHours(24),
            TimeSpan.FromTicks(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond),
            TimeSpan.MaxValue);
        return Gen.OneOf(anyTicks, wholeSeconds, wholeHours, edges).ToArbitrary();
    }

    /// <summary>Strings over the grammar's own alphabet (most arbitrary strings fail at the first character).</summary>
    private static Arbitrary<string> NearlyDurations() =>
        Gen.Elements(GrammarAlphabet).ArrayOf().Select(chars => new string(chars)).ToArbitrary();

    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 1000, QuietOnSuccess = true)]
    public Property FormatThenParse_AnyNonNegativeDuration_ReturnsTheSameDuration() =>
        Prop.ForAll(NonNegativeDurations(), value =>
            LedgerSyncDuration.TryParse(LedgerSyncDuration.Format(value), out var parsed) && parsed == value);

    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 500, QuietOnSuccess = true)]
    public Property Format_WholeSeconds_UsesTheUnitForm() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Select(s => TimeSpan.FromSeconds(s)).ToArbitrary(), value =>
        {
            var text = LedgerSyncDuration.Format(value);
            return text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c is 'H' or 'M' or 'S');
        });

    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 500, QuietOnSuccess = true)]
    public Property Parse_FormattedNegativeDuration_IsAFormatError() =>
        Prop.ForAll(NonNegativeDurations().Filter(v => v > TimeSpan.Zero), value =>
        {
            var text = LedgerSyncDuration.Format(-value);
            return !LedgerSyncDuration.TryParse(text, out _) && ThrowsFormatException(text);
        });

    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 2000, QuietOnSuccess = true)]
    public Property Parse_AnyString_ReturnsOrThrowsFormatExceptionWithTheTryParseMessage() =>
        Prop.ForAll(
            Gen.OneOf(ArbMap.Default.ArbFor<string>().Generator, NearlyDurations().Generator)
                .Where(s => s is not null)
                .ToArbitrary(),
            text => ParseAgreesWithTryParse(text));

    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 1000, QuietOnSuccess = true)]
    public Property Parse_StringsOverTheGrammarAlphabet_NeverThrowsAnythingButFormatException() =>
        Prop.ForAll(NearlyDurations(), text => ParseAgreesWithTryParse(text));

    /// <summary>
    /// Elements in the order H, M, S, each optional, in any letter case, with any number of spaces between and
    /// around them, parse to the sum of the elements.
    /// </summary>
    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 1000, QuietOnSuccess = true)]
    public Property Parse_ElementsWithSpacesAndAnyCase_IsTheSumOfTheElements() =>
        Prop.ForAll(Elements(), spelled =>
            LedgerSyncDuration.TryParse(spelled.Text, out var parsed) && parsed == spelled.Expected);

    /// <summary>Only the space separates elements: a tab, a newline or a no-break space anywhere is an error.</summary>
    [FsCheck.NUnit.Property(Replay = Seed, MaxTest = 500, QuietOnSuccess = true)]
    public Property Parse_OtherWhitespace_IsAnError() =>
        Prop.ForAll(
            Elements().Generator
                .SelectMany(spelled => Gen.Choose(0, spelled.Text.Length), (spelled, at) => (spelled, at))
                .SelectMany(p => Gen.Elements('\t', '\n', '\r', '\u00a0', '\u2003'), (p, ws) => p.spelled.Text.Insert(p.at, ws.ToString()))
                .ToArbitrary(),
            text => !LedgerSyncDuration.TryParse(text, out _) && ThrowsFormatException(text));

    /// <summary>The units are the ASCII letters H, M and S in either case, and no other character.</summary>
    [Test]
    public void Parse_NumberFollowedByAnyCharacter_AcceptsOnlyTheSixUnitLetters()
    {
        var accepted = new List<string>();
        for (var c = 0; c <= char.MaxValue; c++)
        {
            if (LedgerSyncDuration.TryParse("1" + (char)c, out _))
            {
                accepted.Add(((char)c).ToString());
            }
        }

        Assert.That(accepted, Is.EquivalentTo(UnitLetters));
    }

    private static bool ParseAgreesWithTryParse(string text)
    {
        var valid = LedgerSyncDuration.TryParse(text, out var value, out var error);
        try
        {
            var parsed = LedgerSyncDuration.Parse(text);
            return valid && parsed == value && parsed >= TimeSpan.Zero;
        }
        catch (FormatException e)
        {
            return !valid && e.Message == error && e.Message.Contains("is not a duration", StringComparison.Ordinal);
        }
    }

    private static bool ThrowsFormatException(string text)
    {
        try
        {
            LedgerSyncDuration.Parse(text);
            return false;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    /// <summary>A spelled-out duration and the value it stands for.</summary>
    private static Arbitrary<Spelled> Elements()
    {
        var number = Gen.OneOf(Gen.Choose(0, 100), Gen.Choose(0, 1_000_000));
        var maybe = number.Select(n => (int?)n).Or(Gen.Constant<int?>(null));
        var spaces = Gen.Choose(0, 3).Select(n => new string(' ', n));
        var upper = ArbMap.Default.ArbFor<bool>().Generator;
        return maybe.Three()
            .Where(t => t.Item1 is not null || t.Item2 is not null || t.Item3 is not null)
            .SelectMany(_ => spaces.ArrayOf(4), (units, gaps) => (units, gaps))
            .SelectMany(_ => upper.ArrayOf(3), (p, cases) => Spell(p.units, p.gaps, cases))
            .ToArbitrary();
    }

    private static Spelled Spell((int? H, int? M, int? S) units, string[] gaps, bool[] upperCase)
    {
        var text = new StringBuilder(gaps.Length > 0 ? gaps[0] : string.Empty);
        var expected = TimeSpan.Zero;
        var elements = new (int? Number, char Unit, TimeSpan Size)[]
        {
            (units.H, 'H', TimeSpan.FromHours(1)),
            (units.M, 'M', TimeSpan.FromMinutes(1)),
            (units.S, 'S', TimeSpan.FromSeconds(1)),
        };
        for (var i = 0; i < elements.Length; i++)
        {
            if (elements[i].Number is not { } n)
            {
                continue;
            }

            var unit = i < upperCase.Length && upperCase[i] ? elements[i].Unit : char.ToLowerInvariant(elements[i].Unit);
            text.Append(n.ToString(CultureInfo.InvariantCulture)).Append(unit).Append(i + 1 < gaps.Length ? gaps[i + 1] : string.Empty);
            expected += n * elements[i].Size;
        }

        return new Spelled(text.ToString(), expected);
    }

    private sealed record Spelled(string Text, TimeSpan Expected);
}
