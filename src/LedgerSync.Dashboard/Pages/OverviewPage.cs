using LedgerSync.Dashboard.Data;
using LedgerSync.Dashboard.Rendering;

namespace LedgerSync.Dashboard.Pages;

/// <summary>The overview: the monitor's counts, the ledger graph's state, health, failed parties and the node-wide actions.</summary>
internal static class OverviewPage
{
    public static string Render(PageContext context, OverviewModel model) =>
        Layout.Page(context, Layout.Overview, "Overview", html =>
        {
            html.Raw("<section aria-labelledby=\"counts-heading\"><h2 id=\"counts-heading\">Reconciliations</h2><dl class=\"metrics\">");
            Metric(html, "scheduled", "Scheduled", model.Scheduled, "Outgoing runs queued, waiting for their start time, or backing off", context.Url("/live"));
            Metric(html, "in-progress", "In progress", model.InProgress, "Outgoing runs executing now", context.Url("/live"));
            Metric(html, "incoming", "Responding", model.IncomingInProgress, "Incoming runs this node is answering now", context.Url("/live"));
            Metric(html, "failed", "Failed", model.Failed, "Parties whose latest outgoing run failed", context.Url("/parties?status=FAILED&role=requester"));
            Metric(html, "with-differences", "With differences", model.WithDifferences, "Parties whose latest outgoing run found transactions this node lacks", context.Url("/parties?status=DIFFERENCES_FOUND&role=requester"));
            Metric(html, "without-differences", "Without differences", model.WithoutDifferences, "Parties whose latest outgoing run found nothing missing", context.Url("/parties?status=DIFFERENCES_NOT_FOUND&role=requester"));
            html.Raw("</dl></section>");

            html.Raw("<section aria-labelledby=\"graph-heading\"><h2 id=\"graph-heading\">Ledger graph and health</h2><dl class=\"facts\">");
            html.Raw("<div><dt>Health</dt><dd data-testid=\"health\"><span").Attr("class", "health health-" + model.HealthStatus.ToLowerInvariant()).Raw(">")
                .Text(model.HealthStatus).Raw("</span>");
            if (model.HealthDescription is { } description)
            {
                html.Raw(" <span class=\"detail\">").Text(description).Raw("</span>");
            }

            html.Raw("</dd></div>");
            Fact(html, "graph-initialized", "Initialized", model.GraphInitialized);
            Fact(html, "graph-self-consistent", "Self-consistent", model.GraphSelfConsistent);
            html.Raw("<div><dt>Errors</dt><dd data-testid=\"graph-errors\">").Number(model.GraphErrorCount).Raw("</dd></div></dl>");
            if (model.GraphErrors.Count > 0)
            {
                html.Raw("<h3>Ledger graph errors");
                if (model.GraphErrorCount > model.GraphErrors.Count)
                {
                    html.Raw(" (first ").Number(model.GraphErrors.Count).Raw(" of ").Number(model.GraphErrorCount).Raw(")");
                }

                html.Raw("</h3><ul class=\"errors\">");
                foreach (var error in model.GraphErrors)
                {
                    html.Raw("<li>").Text(error).Raw("</li>");
                }

                html.Raw("</ul>");
            }

            html.Raw("</section>");

            html.Raw("<section aria-labelledby=\"failed-heading\"><h2 id=\"failed-heading\">Failed reconciliations</h2>");
            if (model.FailedRows.Count == 0)
            {
                html.Raw("<p>No latest outgoing reconciliation has failed.</p>");
            }
            else
            {
                html.Raw("<ul class=\"failed\">");
                foreach (var row in model.FailedRows)
                {
                    html.Raw("<li><a class=\"party\"").Attr("href", context.PartyUrl(row.Party)).Raw(">").Text(row.Party).Raw("</a> ")
                        .Raw("<span class=\"when\">").Time(row.LastFinished).Raw("</span> <span class=\"error-text\">").Text(row.Error).Raw("</span></li>");
                }

                html.Raw("</ul>");
            }

            html.Raw("</section>");
            Actions.NodeActions(html, context, Layout.Overview);
        });

    private static void Metric(Html html, string id, string label, int value, string description, string href) =>
        html.Raw("<div class=\"metric\"><dt").Attr("id", "metric-" + id + "-label").Raw(">").Text(label).Raw("</dt>")
            .Raw("<dd><a").Attr("href", href).Attr("data-testid", "metric-" + id).Attr("aria-describedby", "metric-" + id + "-help").Raw(">").Number(value).Raw("</a>")
            .Raw("<span class=\"help\"").Attr("id", "metric-" + id + "-help").Raw(">").Text(description).Raw("</span></dd></div>");

    private static void Fact(Html html, string id, string label, bool value) =>
        html.Raw("<div><dt>").Text(label).Raw("</dt><dd").Attr("data-testid", id).Raw(">")
            .Raw(value ? "<span class=\"yes\">yes</span>" : "<span class=\"no\">no</span>").Raw("</dd></div>");
}
