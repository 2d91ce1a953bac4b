using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace LedgerSync;

/// <summary>
/// Parses and formats LedgerSync durations: the time part of an ISO-8601 duration without the <c>PT</c> prefix,
/// as the reference product's configuration file writes them: <c>1H</c>, <c>30m</c>, <c>5H3M2S</c>, <c>1h 30m</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each element is a whole number followed by its unit, <c>H</c>, <c>M</c> or <c>S</c> in either case. Elements
/// appear in the order hours, minutes, seconds, each at most once. Spaces between and around elements are
/// ignored; nothing else is allowed (<c>90</c>, <c>1D</c>, <c>1H30</c>, <c>-1H</c>, <c>PT1H</c> and the empty
/// string are errors).
/// </para>
/// <para>
/// For .NET users the constant <see cref="TimeSpan"/> format with all three time fields is accepted too:
/// <c>hh:mm:ss</c>, optionally with days (<c>d.hh:mm:ss</c>) and a fraction of a second
/// (<c>hh:mm:ss.fffffff</c>), for example <c>01:30:00</c> or <c>00:00:00.250</c>. It is unambiguous because it
/// always contains two colons, which the ISO form never does. Shorter forms such as <c>01:30</c> are rejected:
/// a reader cannot tell whether they mean minutes or seconds.
/// </para>
/// </remarks>
public static class LedgerSyncDuration
{
    private const string Syntax =
        "expected a duration such as 1H, 30M, 45S or 5H3M2S (whole numbers, units H, M, S in that order, each at most once), or hh:mm:ss";

    /// <summary>Parses a duration.</summary>
    /// <param name="text">The text, for example <c>1H 30M</c> or <c>01:30:00</c>.</param>
    /// <returns>The duration, never negative.</returns>
    /// <exception cref="FormatException">The text is not a duration; the message quotes it and says what is expected.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value, out var error) ? value : throw new FormatException(error);
    }

    /// <summary>Tries to parse a duration.</summary>
    /// <param name="text">The text, for example <c>1H 30M</c> or <c>01:30:00</c>.</param>
    /// <param name="value">The duration when the text is valid.</param>
    /// <returns><see langword="true"/> when the text is a valid duration.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <summary>Tries to parse a duration, describing the problem when the text is not valid.</summary>
    /// <param name="text">The text, for example <c>1H 30M</c> or <c>01:30:00</c>.</param>
    /// <param name="value">The duration when the text is valid.</param>
    /// <param name="error">When the text is not valid: a message that quotes it and says what is expected.</param>
    /// <returns><see langword="true"/> when the text is a valid duration.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        if (text is null)
        {
            error = $"A duration is required; got null ({Syntax}).";
            return false;
        }

        var problem = text.Contains(':', StringComparison.Ordinal) ? TryParseClock(text, out value) : TryParseIso(text, out value);
        if (problem is null)
        {
            error = null;
            return true;
        }

        value = TimeSpan.Zero;
        var quoted = text.Length > 100 ? string.Concat(text.AsSpan(0, 100), "...") : text;
        error = $"'{quoted}' is not a duration: {problem}; {Syntax}.";
        return false;
    }

    /// <summary>
    /// Formats a duration in the syntax <see cref="Parse"/> reads: <c>1H30M</c>, <c>45S</c>, <c>0S</c> for whole
    /// seconds, and the constant <see cref="TimeSpan"/> format (<c>00:00:00.2500000</c>) otherwise.
    /// </summary>
    /// <param name="value">The duration.</param>
    /// <returns>The text.</returns>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero || value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return value.ToString("c", CultureInfo.InvariantCulture);
        }

        var totalSeconds = value.Ticks / TimeSpan.TicksPerSecond;
        if (totalSeconds == 0)
        {
            return "0S";
        }

        var hours = totalSeconds / 3600;
        var minutes = totalSeconds / 60 % 60;
        var seconds = totalSeconds % 60;
        var builder = new StringBuilder();
        if (hours != 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('H');
        }

        if (minutes != 0)
        {
            builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
        }

        if (seconds != 0)
        {
            builder.Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('S');
        }

        return builder.ToString();
    }

    // Returns null on success, otherwise what is wrong.
    private static string? TryParseIso(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var lastUnit = -1; // 0 = H, 1 = M, 2 = S
        var elements = 0;
        long ticks = 0;
        var i = 0;
        while (true)
        {
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return text[i] is '-' or '+'
                    ? "signs are not allowed"
                    : $"unexpected '{text[i]}' at position {i + 1}";
            }

            if (i == text.Length)
            {
                return $"the number '{text[start..]}' has no unit";
            }

            var unit = (char.IsAsciiLetter(text[i]) ? char.ToUpperInvariant(text[i]) : '\0') switch
            {
                'H' => 0,
                'M' => 1,
                'S' => 2,
                _ => -1,
            };
            if (unit < 0)
            {
                return $"'{text[i]}' at position {i + 1} is not a unit (H, M or S)";
            }

            if (unit <= lastUnit)
            {
                return unit == lastUnit
                    ? $"the unit '{char.ToUpperInvariant(text[i])}' appears more than once"
                    : $"the unit '{char.ToUpperInvariant(text[i])}' comes after a smaller unit (the order is H, M, S)";
            }

            var ticksPerUnit = unit switch
            {
                0 => TimeSpan.TicksPerHour,
                1 => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerSecond,
            };
            if (!long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                || number > TimeSpan.MaxValue.Ticks / ticksPerUnit
                || number * ticksPerUnit > TimeSpan.MaxValue.Ticks - ticks)
            {
                return $"it is longer than the largest duration ({TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerHour}H)";
            }

            ticks += number * ticksPerUnit;
            lastUnit = unit;
            elements++;
            i++;
        }

        if (elements == 0)
        {
            return "it is empty";
        }

        value = TimeSpan.FromTicks(ticks);
        return null;
    }

    private static string? TryParseClock(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var trimmed = text.AsSpan().Trim(' ');
        if (trimmed.StartsWith("-"))
        {
            return "negative durations are not allowed";
        }

        // Require hh:mm:ss (two colons): "01:30" would be ambiguous between minutes and seconds.
        if (trimmed.Count(':') != 2)
        {
            return "a clock-style duration needs hours, minutes and seconds (hh:mm:ss)";
        }

        foreach (var c in trimmed)
        {
            if (!char.IsAsciiDigit(c) && c is not ':' and not '.')
            {
                return $"unexpected '{c}'";
            }
        }

        return TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out value)
            ? null
            : "it is not of the form [d.]hh:mm:ss[.fffffff] with minutes and seconds below 60 and hours below 24";
    }
}
