namespace LedgerSync.Flows;

/// <summary>Parses durations in the reference product's syntax: the time part of ISO-8601 without <c>PT</c> (<c>1H</c>, <c>5H3M2S</c>, <c>1h 30m</c>).</summary>
internal static class ShellDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (compact.Length == 0)
        {
            return false;
        }

        var order = "HMS";
        var lastUnit = -1;
        var number = 0;
        var digits = 0;
        foreach (var c in compact)
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

            var unit = order.IndexOf(c, StringComparison.Ordinal);
            if (unit <= lastUnit || digits == 0)
            {
                return false;
            }

            duration += unit switch
            {
                0 => TimeSpan.FromHours(number),
                1 => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromSeconds(number),
            };
            lastUnit = unit;
            number = 0;
            digits = 0;
        }

        return digits == 0;
    }
}
