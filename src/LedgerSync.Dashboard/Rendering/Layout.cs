namespace LedgerSync.Dashboard.Rendering;

/// <summary>The frame of every page: head, skip link, navigation, message, footer.</summary>
internal static class Layout
{
    public const string Overview = "overview";
    public const string Parties = "parties";
    public const string Live = "live";
    public const string Party = "party";

    private static readonly (string Key, string Label, string Path)[] Navigation =
    [
        (Overview, "Overview", "/"),
        (Parties, "Parties", "/parties"),
        (Live, "Live runs", "/live"),
    ];

    public static string Page(PageContext context, string current, string heading, Action<Html> body)
    {
        var html = new Html(32 * 1024);
        html.Raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta name=\"referrer\" content=\"no-referrer\">")
            .Raw("<title>").Text(heading).Raw(" · ").Text(context.Title).Raw("</title>")
            .Raw("<link rel=\"stylesheet\"").Attr("href", context.Url("/assets/dashboard.css")).Raw(">")
            .Raw("<script defer").Attr("src", context.Url("/assets/dashboard.js")).Raw("></script>")
            .Raw("</head><body>")
            .Raw("<a class=\"skip\" href=\"#main\">Skip to content</a>")
            .Raw("<header class=\"top\"><div class=\"brand\"><span class=\"product\">").Text(context.Title).Raw("</span>");
        if (context.LocalParty is { } self)
        {
            html.Raw(" <span class=\"self\">node <span class=\"party\">").Text(self).Raw("</span></span>");
        }

        html.Raw("</div><nav aria-label=\"Dashboard\"><ul>");
        foreach (var (key, label, path) in Navigation)
        {
            html.Raw("<li><a").Attr("href", context.Url(path));
            if (key == current)
            {
                html.Raw(" aria-current=\"page\"");
            }

            html.Raw(">").Text(label).Raw("</a></li>");
        }

        html.Raw("</ul></nav></header><main id=\"main\" tabindex=\"-1\"><h1>").Text(heading).Raw("</h1>");
        if (context.Message is { } message)
        {
            html.Raw(message.Succeeded
                    ? "<div class=\"message ok\" role=\"status\"><strong>Done.</strong> "
                    : "<div class=\"message error\" role=\"alert\"><strong>Not done.</strong> ")
                .Text(message.Message)
                .Raw("</div>");
        }

        body(html);
        html.Raw("</main><footer><p>LedgerSync dashboard · times in UTC</p></footer></body></html>");
        return html.ToString();
    }
}
