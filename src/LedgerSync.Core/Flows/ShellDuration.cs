namespace LedgerSync.Flows;

/// <summary>
/// Parses durations in the reference product's syntax: the time part of ISO-8601 without <c>PT</c> (<c>1H</c>,
/// <c>5H3M2S</c>, <c>1h 30m</c>). Whitespace may separate the components, never the digits of a number; a duration
/// longer than <see cref="TimeSpan.MaxValue"/> is rejected, not thrown.
/// </summary>
internal static class ShellDuration
{
    private const string Units = "HMS";

    private static readonly long MaxSeconds = (long)TimeSpan.MaxValue.TotalSeconds;

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var lastUnit = -1;
        var number = 0L;
        var digits = 0;
        var seconds = 0L;
        var components = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                if (digits >= 9)
                {
                    return false;
                }

                number = (number * 10) + (c - '0');
                digits++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (digits != 0)
                {
                    return false; // inside a number ("1 0H") or between a number and its unit
                }

                continue;
            }

            var unit = char.IsAsciiLetter(c) ? Units.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal) : -1;
            if (unit <= lastUnit || digits == 0)
            {
                return false;
            }

            // At most 999,999,999 hours + minutes + seconds: well inside a long, checked against TimeSpan's range below.
            seconds += number * unit switch { 0 => 3600L, 1 => 60L, _ => 1L };
            lastUnit = unit;
            number = 0;
            digits = 0;
            components++;
        }

        if (digits != 0 || components == 0 || seconds > MaxSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
