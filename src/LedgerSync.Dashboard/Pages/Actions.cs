using LedgerSync.Dashboard.Rendering;

namespace LedgerSync.Dashboard.Pages;

/// <summary>The action forms (POST, with the antiforgery field), shared by the pages.</summary>
internal static class Actions
{
    /// <summary>Schedule (one or more parties), refresh and in-flight dump.</summary>
    public static void NodeActions(Html html, PageContext context, string page)
    {
        html.Raw("<section aria-labelledby=\"actions-heading\" class=\"actions\"><h2 id=\"actions-heading\">Actions</h2>");
        html.Raw("<form method=\"post\" class=\"schedule\"").Attr("action", context.Url("/actions/schedule")).Raw(">");
        context.AntiforgeryField(html);
        PageContext.ReturnField(html, Layout.Live);
        html.Raw("<label for=\"schedule-parties\">Parties to reconcile with</label>")
            .Raw("<span class=\"help\" id=\"schedule-help\">One X.500 name per line, for example O=PartyB, L=London, C=GB.</span>")
            .Raw("<textarea id=\"schedule-parties\" name=\"parties\" rows=\"3\" required aria-describedby=\"schedule-help\" spellcheck=\"false\" autocomplete=\"off\"></textarea>")
            .Raw("<button type=\"submit\">Schedule reconciliation</button></form>");

        html.Raw("<div class=\"inline-actions\"><form method=\"post\"").Attr("action", context.Url("/actions/refresh")).Raw(">");
        context.AntiforgeryField(html);
        PageContext.ReturnField(html, page);
        html.Raw("<button type=\"submit\">Refresh statuses</button></form>");
        html.Raw("<form method=\"post\"").Attr("action", context.Url("/actions/dump")).Raw(">");
        context.AntiforgeryField(html);
        html.Raw("<button type=\"submit\">Download in-flight dump</button></form></div></section>");
    }

    /// <summary>A small form with one button acting on one party (schedule or stop).</summary>
    public static void PartyButton(Html html, PageContext context, string action, string label, string party, string page, string? returnParty = null)
    {
        html.Raw("<form method=\"post\" class=\"row-action ").Raw(action).Raw("\"").Attr("action", context.Url("/actions/" + action)).Raw(">");
        context.AntiforgeryField(html);
        PageContext.ReturnField(html, page, returnParty);
        html.Raw(action == "schedule" ? "<input type=\"hidden\" name=\"parties\"" : "<input type=\"hidden\" name=\"party\"").Attr("value", party).Raw(">")
            .Raw("<button type=\"submit\"").Attr("aria-label", label + " " + party).Raw(">").Text(label).Raw("</button></form>");
    }
}
