using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace LedgerSync.Dashboard.Rendering;

/// <summary>
/// Builds a page. <see cref="Raw"/> takes the page's own markup (literals only); every value that comes from data
/// (party names, errors, stages) goes through <see cref="Text"/> or <see cref="Attr"/>, which HTML-encode it.
/// </summary>
internal sealed class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;
    private readonly StringBuilder _builder;

    public Html(int capacity = 8 * 1024) => _builder = new StringBuilder(capacity);

    /// <summary>Appends trusted markup written in this assembly.</summary>
    public Html Raw(string markup)
    {
        _builder.Append(markup);
        return this;
    }

    /// <summary>Appends text content, HTML-encoded.</summary>
    public Html Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            _builder.Append(Encoder.Encode(text));
        }

        return this;
    }

    /// <summary>Appends a number in invariant digits with thousands separators.</summary>
    public Html Number(long value)
    {
        _builder.Append(value.ToString("N0", CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Appends <c> name="value"</c> with the value HTML-encoded.</summary>
    public Html Attr(string name, string? value)
    {
        _builder.Append(' ').Append(name).Append("=\"");
        if (!string.IsNullOrEmpty(value))
        {
            _builder.Append(Encoder.Encode(value));
        }

        _builder.Append('"');
        return this;
    }

    /// <summary>Appends a <c>&lt;time&gt;</c> element (UTC, to the second), or a dash for none.</summary>
    public Html Time(DateTimeOffset? time)
    {
        if (time is not { } t)
        {
            return Raw("<span class=\"none\">—</span>");
        }

        var utc = t.ToUniversalTime();
        return Raw("<time datetime=\"")
            .Raw(utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Raw("\">")
            .Raw(utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
            .Raw(" UTC</time>");
    }

    /// <summary>Appends a duration in words: <c>42 s</c>, <c>3 min 5 s</c>, <c>2 h 10 min</c>.</summary>
    public Html Duration(TimeSpan duration) => Raw(Format(duration));

    /// <summary>Appends a byte count: <c>512 B</c>, <c>12.3 KiB</c>, <c>4.1 MiB</c>.</summary>
    public Html Bytes(long bytes) => Raw(bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
    });

    /// <summary>Appends a state badge (<c>FAILED</c>, <c>DIFFERENCES_FOUND</c>, ...), or a dash for none.</summary>
    public Html State(string? state) => state is null
        ? Raw("<span class=\"none\">—</span>")
        : Raw("<span class=\"state state-").Raw(state.ToLowerInvariant().Replace('_', '-')).Raw("\">").Text(state).Raw("</span>");

    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration.TotalSeconds < 60
            ? $"{(int)duration.TotalSeconds} s"
            : duration.TotalMinutes < 60
                ? $"{(int)duration.TotalMinutes} min {duration.Seconds} s"
                : $"{(int)duration.TotalHours} h {duration.Minutes} min";
    }

    public override string ToString() => _builder.ToString();
}
