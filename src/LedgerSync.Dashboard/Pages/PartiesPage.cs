using LedgerSync.Dashboard.Data;
using LedgerSync.Dashboard.Rendering;

namespace LedgerSync.Dashboard.Pages;

/// <summary>The parties table: every stored status row (both roles), filterable by latest state and role.</summary>
internal static class PartiesPage
{
    public static string Render(PageContext context, PartiesFilter filter, IReadOnlyList<PartyRow> rows, string? filterError = null) =>
        Layout.Page(context, Layout.Parties, "Parties", html =>
        {
            html.Raw("<form method=\"get\" class=\"filter\" role=\"search\" aria-label=\"Filter the parties\"").Attr("action", context.Url("/parties")).Raw(">")
                .Raw("<div class=\"field\"><label for=\"filter-status\">Latest status</label><select id=\"filter-status\" name=\"status\">")
                .Raw("<option value=\"\">Any</option>");
            foreach (var name in ReconciliationStateNames.All)
            {
                html.Raw("<option").Attr("value", name);
                if (filter.Status?.ToName() == name)
                {
                    html.Raw(" selected");
                }

                html.Raw(">").Text(name).Raw("</option>");
            }

            html.Raw("</select></div><div class=\"field\"><label for=\"filter-role\">Role</label><select id=\"filter-role\" name=\"role\">");
            Option(html, string.Empty, "Both", filter.IsRequester is null);
            Option(html, "requester", "This node requested", filter.IsRequester == true);
            Option(html, "responder", "This node responded", filter.IsRequester == false);
            html.Raw("</select></div><button type=\"submit\">Apply filter</button></form>");
            if (filterError is not null)
            {
                html.Raw("<div class=\"message error\" role=\"alert\">").Text(filterError).Raw("</div>");
            }

            html.Raw("<p class=\"summary\" id=\"parties-summary\" data-testid=\"parties-count\">").Number(rows.Count).Raw(rows.Count == 1 ? " row" : " rows").Raw("</p>");
            if (rows.Count == 0)
            {
                html.Raw("<p>No reconciliation status matches.</p>");
                return;
            }

            html.Raw("<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"parties-caption\" tabindex=\"0\"><table class=\"cards\" id=\"parties-table\">")
                .Raw("<caption id=\"parties-caption\">Reconciliation status by party and role</caption><thead><tr>")
                .Raw("<th scope=\"col\">Party</th><th scope=\"col\">Role</th><th scope=\"col\">Latest run</th>")
                .Raw("<th scope=\"col\">Last successful run</th><th scope=\"col\">Differences</th><th scope=\"col\">Error</th></tr></thead><tbody>");
            foreach (var row in rows)
            {
                Row(html, context, row);
            }

            html.Raw("</tbody></table></div>");
        });

    internal static void Row(Html html, PageContext context, PartyRow row)
    {
        html.Raw(row.LastStatus == ReconciliationStateNames.Failed ? "<tr class=\"failed\">" : "<tr>")
            .Raw("<th scope=\"row\" data-label=\"Party\"><a class=\"party\"").Attr("href", context.PartyUrl(row.Party)).Raw(">").Text(row.Party).Raw("</a></th>")
            .Raw("<td data-label=\"Role\">").Raw(row.IsRequester ? "requester" : "responder").Raw("</td>")
            .Raw("<td data-label=\"Latest run\">").State(row.LastStatus)
            .Raw("<span class=\"times\"><span>started ").Time(row.LastStarted).Raw("</span><span>finished ").Time(row.LastFinished).Raw("</span></span></td>")
            .Raw("<td data-label=\"Last successful run\">").State(row.LastSuccessfulStatus);
        if (row.LastSuccessfulStatus is not null)
        {
            html.Raw("<span class=\"times\"><span>finished ").Time(row.LastSuccessfulFinished).Raw("</span></span>");
        }

        html.Raw("</td>")
            .Raw("<td data-label=\"Differences\" class=\"num\">").Number(row.Differences).Raw("</td>")
            .Raw("<td data-label=\"Error\" class=\"error-text\">").Text(row.Error).Raw("</td></tr>");
    }

    private static void Option(Html html, string value, string label, bool selected)
    {
        html.Raw("<option").Attr("value", value);
        if (selected)
        {
            html.Raw(" selected");
        }

        html.Raw(">").Text(label).Raw("</option>");
    }
}
