namespace LedgerSync.Tests.Configuration;

public sealed class LedgerSyncDurationTests
{
    private static readonly object[] ValidCases =
    [
        new object[] { "1H", TimeSpan.FromHours(1) },
        new object[] { "3s", TimeSpan.FromSeconds(3) },
        new object[] { "3S", TimeSpan.FromSeconds(3) },
        new object[] { "5H3M2S", new TimeSpan(5, 3, 2) },
        new object[] { "5h3m2s", new TimeSpan(5, 3, 2) },
        new object[] { "1h 30m", new TimeSpan(1, 30, 0) },
        new object[] { "1H 30M", new TimeSpan(1, 30, 0) },
        new object[] { " 2M ", TimeSpan.FromMinutes(2) },
        new object[] { "0S", TimeSpan.Zero },
        new object[] { "90M", TimeSpan.FromMinutes(90) },
        new object[] { "1H 2S", new TimeSpan(1, 0, 2) },
        new object[] { "  1H  2M  3S  ", new TimeSpan(1, 2, 3) },
        new object[] { "007S", TimeSpan.FromSeconds(7) },
        new object[] { "48H", TimeSpan.FromHours(48) },
        new object[] { "01:00:00", TimeSpan.FromHours(1) },
        new object[] { "00:30:15", new TimeSpan(0, 30, 15) },
        new object[] { "1.02:03:04", new TimeSpan(1, 2, 3, 4) },
        new object[] { "00:00:00.250", TimeSpan.FromMilliseconds(250) },
        new object[] { " 00:00:01 ", TimeSpan.FromSeconds(1) },
    ];

    [TestCaseSource(nameof(ValidCases))]
    public void Parse_ValidText_ReturnsDuration(string text, TimeSpan expected)
    {
        Assert.That(LedgerSyncDuration.Parse(text), Is.EqualTo(expected));
        Assert.That(LedgerSyncDuration.TryParse(text, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(expected));
    }

    [TestCase("90")]
    [TestCase("1D")]
    [TestCase("1H30")]
    [TestCase("-1H")]
    [TestCase("+1H")]
    [TestCase("PT1H")]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("H")]
    [TestCase("1M1H")]
    [TestCase("1S1M")]
    [TestCase("1H1H")]
    [TestCase("1H 1h")]
    [TestCase("1.5H")]
    [TestCase("1,5H")]
    [TestCase("1 H")]
    [TestCase("1H,30M")]
    [TestCase("1H\t30M")]
    [TestCase("1HH")]
    [TestCase("1MS")]
    [TestCase("١H")] // Arabic-Indic digit one: only ASCII digits count.
    [TestCase("99999999999999999999H")]
    [TestCase("256204779H")]
    [TestCase("256204778H 60M")]
    [TestCase("01:30")]
    [TestCase("1:2")]
    [TestCase("-01:00:00")]
    [TestCase("00:60:00")]
    [TestCase("24:00:00")]
    [TestCase("00:00:60")]
    [TestCase("01:00:00H")]
    [TestCase("1 01:00:00")]
    public void Parse_InvalidText_ThrowsFormatExceptionQuotingInput(string text)
    {
        Assert.That(() => LedgerSyncDuration.Parse(text), Throws.TypeOf<FormatException>().With.Message.Contains($"'{text}'"));
        Assert.That(LedgerSyncDuration.TryParse(text, out var value, out var error), Is.False);
        Assert.That(value, Is.EqualTo(TimeSpan.Zero));
        Assert.That(error, Does.StartWith($"'{text}' is not a duration"));
    }

    [Test]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.That(LedgerSyncDuration.TryParse(null, out _), Is.False);
        Assert.That(() => LedgerSyncDuration.Parse(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Parse_LargestWholeHours_Succeeds()
    {
        var hours = TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerHour;

        Assert.That(LedgerSyncDuration.Parse($"{hours}H"), Is.EqualTo(TimeSpan.FromHours(hours)));
    }

    [TestCase("1H30", "has no unit")]
    [TestCase("1D", "'D' at position 2 is not a unit")]
    [TestCase("1M1H", "comes after a smaller unit")]
    [TestCase("1H1H", "more than once")]
    [TestCase("-1H", "signs are not allowed")]
    [TestCase("", "it is empty")]
    [TestCase("99999999999999999999H", "longer than the largest duration")]
    [TestCase("01:30", "hh:mm:ss")]
    public void TryParse_InvalidText_ErrorSaysWhatIsWrong(string text, string expected)
    {
        var parsed = LedgerSyncDuration.TryParse(text, out _, out var error);

        Assert.That(parsed, Is.False);
        Assert.That(error, Does.Contain(expected));
    }

    [TestCase(0, "0S")]
    [TestCase(1, "1S")]
    [TestCase(60, "1M")]
    [TestCase(3600, "1H")]
    [TestCase(3600 + 60 + 1, "1H1M1S")]
    [TestCase(5 * 3600 + 2, "5H2S")]
    [TestCase(86400, "24H")]
    public void Format_WholeSeconds_UsesIsoTimeSyntax(int seconds, string expected)
    {
        Assert.That(LedgerSyncDuration.Format(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));
    }

    [Test]
    public void Format_RandomDurations_RoundTripThroughParse()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var value = i % 2 == 0
                ? TimeSpan.FromSeconds(random.NextInt64(0, 10_000_000))
                : TimeSpan.FromTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 100));

            Assert.That(LedgerSyncDuration.Parse(LedgerSyncDuration.Format(value)), Is.EqualTo(value));
        }
    }
}
