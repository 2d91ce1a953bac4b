using LedgerSync.Dashboard.Data;
using LedgerSync.Dashboard.Rendering;

namespace LedgerSync.Dashboard.Pages;

/// <summary>
/// One party: its status in both roles, its in-flight runs, its run history (paged), and the IDs found, paged,
/// copyable and downloadable as CSV.
/// </summary>
internal static class PartyPage
{
    public static string Render(PageContext context, PartyDetail detail) =>
        Layout.Page(context, Layout.Party, detail.Party, html =>
        {
            html.Raw("<div class=\"inline-actions\">");
            Actions.PartyButton(html, context, "schedule", "Schedule reconciliation", detail.Party, Layout.Party, detail.Party);
            Actions.PartyButton(html, context, "recover", "Recover transactions", detail.Party, Layout.Party, detail.Party);
            Actions.PartyButton(html, context, "stop", "Stop", detail.Party, Layout.Party, detail.Party);
            html.Raw("</div>");

            html.Raw("<section aria-labelledby=\"status-heading\"><h2 id=\"status-heading\">Status</h2>");
            if (detail.AsRequester is null && detail.AsResponder is null)
            {
                html.Raw("<p>No reconciliation with this party has been recorded.</p>");
            }
            else
            {
                html.Raw("<div class=\"status-cards\">");
                Status(html, "This node requested", detail.AsRequester);
                Status(html, "This node responded", detail.AsResponder);
                html.Raw("</div>");
            }

            html.Raw("</section><section aria-labelledby=\"recovery-heading\"><h2 id=\"recovery-heading\">Recovery</h2>")
                .Raw("<p class=\"help\">Fetching the transactions found from the party, each verified before it is stored (RecoverTransactionsFlow). Updated every ")
                .Text(Html.Format(TimeSpan.FromMilliseconds(Math.Max(1000, context.LiveRefreshMilliseconds)))).Raw(" while it runs.</p>")
                .Raw("<div id=\"recovery-progress\" data-refresh").Attr("data-refresh-url", context.Url("/party/recovery?name=" + Uri.EscapeDataString(detail.Party)))
                .Attr("data-refresh-ms", Math.Max(1000, context.LiveRefreshMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)).Raw(">");
            RenderRecovery(html, detail.Recovery);
            html.Raw("</div>");

            html.Raw("</section><section aria-labelledby=\"runs-heading\"><h2 id=\"runs-heading\">In flight</h2>");
            LivePage.RenderRuns(html, context, detail.Runs, Layout.Party, detail.Party);
            html.Raw("</section>");
            History(html, context, detail);

            html.Raw("<section aria-labelledby=\"ids-heading\"><h2 id=\"ids-heading\">Transactions found</h2>")
                .Raw("<p class=\"help\">Relevant transactions the party has and this node lacks, as of the latest successful reconciliation this node requested (and refreshes since).</p>")
                .Raw("<p class=\"summary\" data-testid=\"ids-count\">").Number(detail.TotalIds).Raw(detail.TotalIds == 1 ? " transaction" : " transactions").Raw("</p>");
            if (detail.TotalIds > 0)
            {
                var csv = context.Url("/party/ids.csv?name=" + Uri.EscapeDataString(detail.Party));
                html.Raw("<p class=\"inline-actions\"><a class=\"button\" download").Attr("href", csv).Raw(">Download all as CSV</a> ")
                    .Raw("<button type=\"button\" class=\"copy\" data-copy-target=\"ids-list\">Copy the IDs on this page</button></p>")
                    .Raw("<ol class=\"ids\" id=\"ids-list\"").Attr("start", (((detail.Page - 1) * context.IdsPageSize) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).Raw(">");
                foreach (var id in detail.Ids)
                {
                    html.Raw("<li><code>").Text(id).Raw("</code> <button type=\"button\" class=\"copy small\"").Attr("data-copy", id).Attr("aria-label", "Copy " + id).Raw(">Copy</button></li>");
                }

                html.Raw("</ol>");
                Pager(html, context, detail);
            }

            html.Raw("</section>");
        });

    /// <summary>The recovery section's content alone: the fragment the party page fetches while a recovery runs.</summary>
    public static string RenderRecoveryFragment(PageContext context, RecoveryView? recovery)
    {
        var html = new Html(1024);
        RenderRecovery(html, recovery);
        return html.ToString();
    }

    private static void RenderRecovery(Html html, RecoveryView? recovery)
    {
        if (recovery is null)
        {
            html.Raw("<p data-testid=\"recovery-none\">No recovery from this party has been queued.</p>");
            return;
        }

        html.Raw("<dl class=\"facts\" data-testid=\"recovery\">")
            .Raw("<div><dt>State</dt><dd data-testid=\"recovery-state\">").State(recovery.State).Raw("</dd></div>")
            .Raw("<div><dt>Progress</dt><dd data-testid=\"recovery-progress\"><progress max=\"100\"").Attr("value", recovery.DonePercent.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Raw(" aria-label=\"Recovery progress\">").Number(recovery.DonePercent).Raw(" %</progress> ").Number(recovery.DonePercent).Raw(" %: ")
            .Number(recovery.Recovered).Raw(" recovered, ").Number(recovery.Rejected).Raw(" rejected, ").Number(recovery.Refused).Raw(" refused, ")
            .Number(recovery.Pending).Raw(" pending of ").Number(recovery.Requested).Raw("</dd></div>")
            .Raw("<div><dt>Bytes recovered</dt><dd>").Bytes(recovery.BytesRecovered).Raw("</dd></div>")
            .Raw("<div><dt>Queued</dt><dd>").Time(recovery.Created).Raw("</dd></div>")
            .Raw("<div><dt>Started</dt><dd>").Time(recovery.Started).Raw("</dd></div>")
            .Raw("<div><dt>Finished</dt><dd>").Time(recovery.Finished).Raw("</dd></div>");
        if (recovery.Error is not null)
        {
            html.Raw("<div><dt>Error</dt><dd class=\"error-text\">").Text(recovery.Error).Raw("</dd></div>");
        }

        html.Raw("<div><dt>Recovery</dt><dd><code>").Text(recovery.RecoveryId.ToString()).Raw("</code></dd></div></dl>");
    }

    private static void Status(Html html, string heading, PartyRow? row)
    {
        html.Raw("<div class=\"status-card\"><h3>").Text(heading).Raw("</h3>");
        if (row is null)
        {
            html.Raw("<p>Never.</p></div>");
            return;
        }

        html.Raw("<dl class=\"facts\">")
            .Raw("<div><dt>Latest status</dt><dd>").State(row.LastStatus).Raw("</dd></div>")
            .Raw("<div><dt>Latest started</dt><dd>").Time(row.LastStarted).Raw("</dd></div>")
            .Raw("<div><dt>Latest finished</dt><dd>").Time(row.LastFinished).Raw("</dd></div>");
        if (row.Error is not null)
        {
            html.Raw("<div><dt>Error</dt><dd class=\"error-text\">").Text(row.Error).Raw("</dd></div>");
        }

        html.Raw("<div><dt>Last successful</dt><dd>").State(row.LastSuccessfulStatus).Raw("</dd></div>")
            .Raw("<div><dt>Last successful started</dt><dd>").Time(row.LastSuccessfulStarted).Raw("</dd></div>")
            .Raw("<div><dt>Last successful finished</dt><dd>").Time(row.LastSuccessfulFinished).Raw("</dd></div>")
            .Raw("<div><dt>Differences</dt><dd>").Number(row.Differences).Raw("</dd></div>");
        if (row.RunId is { } runId)
        {
            html.Raw("<div><dt>Latest run</dt><dd><code>").Text(runId.ToString()).Raw("</code></dd></div>");
        }

        html.Raw("</dl></div>");
    }

    private static void History(Html html, PageContext context, PartyDetail detail)
    {
        html.Raw("<section aria-labelledby=\"history-heading\"><h2 id=\"history-heading\">Run history</h2>")
            .Raw("<p class=\"help\">Every run with this party in both roles, newest first, as the status store recorded its start and end.</p>");
        if (detail.History.Count == 0)
        {
            html.Raw("<p class=\"summary\" data-testid=\"history-empty\">")
                .Raw(detail.HistoryPage > 1 ? "No older runs." : "No runs recorded.")
                .Raw("</p>");
        }
        else
        {
            html.Raw("<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"history-caption\" tabindex=\"0\"><table class=\"cards\" id=\"history-table\">")
                .Raw("<caption id=\"history-caption\">Past runs, newest first</caption><thead><tr>")
                .Raw("<th scope=\"col\">Started</th><th scope=\"col\">Role</th><th scope=\"col\">State</th><th scope=\"col\">Finished</th>")
                .Raw("<th scope=\"col\">Differences</th><th scope=\"col\">Error</th><th scope=\"col\">Run</th></tr></thead><tbody>");
            foreach (var run in detail.History)
            {
                html.Raw(run.State == "FAILED" ? "<tr class=\"failed\"" : "<tr").Attr("data-run-id", run.RunId.ToString()).Raw(">")
                    .Raw("<th scope=\"row\" data-label=\"Started\">").Time(run.Started).Raw("</th>")
                    .Raw("<td data-label=\"Role\">").Raw(run.IsRequester ? "requester" : "responder").Raw("</td>")
                    .Raw("<td data-label=\"State\">").State(run.State).Raw("</td>")
                    .Raw("<td data-label=\"Finished\">").Time(run.Finished).Raw("</td>")
                    .Raw("<td data-label=\"Differences\" class=\"num\">").Number(run.Differences).Raw("</td>")
                    .Raw("<td data-label=\"Error\" class=\"error-text\">").Text(run.Error).Raw("</td>")
                    .Raw("<td data-label=\"Run\"><code class=\"run-id\">").Text(run.RunId.ToString()).Raw("</code></td></tr>");
            }

            html.Raw("</tbody></table></div>");
        }

        if (detail.HistoryPage > 1 || detail.HistoryHasMore)
        {
            var baseUrl = context.PartyUrl(detail.Party) + "&page=" + detail.Page + "&history=";
            html.Raw("<nav class=\"pager\" aria-label=\"Pages of the run history\"><ul>");
            if (detail.HistoryPage > 1)
            {
                html.Raw("<li><a rel=\"prev\"").Attr("href", baseUrl + (detail.HistoryPage - 1)).Raw(">Newer runs</a></li>");
            }

            html.Raw("<li><span aria-current=\"page\">Runs page ").Number(detail.HistoryPage).Raw("</span></li>");
            if (detail.HistoryHasMore)
            {
                html.Raw("<li><a rel=\"next\"").Attr("href", baseUrl + (detail.HistoryPage + 1)).Raw(">Older runs</a></li>");
            }

            html.Raw("</ul></nav>");
        }

        html.Raw("</section>");
    }

    private static void Pager(Html html, PageContext context, PartyDetail detail)
    {
        if (detail.PageCount <= 1)
        {
            return;
        }

        var baseUrl = context.PartyUrl(detail.Party) + "&history=" + detail.HistoryPage + "&page=";
        html.Raw("<nav class=\"pager\" aria-label=\"Pages of transactions\"><ul>");
        if (detail.Page > 1)
        {
            html.Raw("<li><a rel=\"prev\"").Attr("href", baseUrl + (detail.Page - 1)).Raw(">Previous</a></li>");
        }

        html.Raw("<li><span aria-current=\"page\">Page ").Number(detail.Page).Raw(" of ").Number(detail.PageCount).Raw("</span></li>");
        if (detail.Page < detail.PageCount)
        {
            html.Raw("<li><a rel=\"next\"").Attr("href", baseUrl + (detail.Page + 1)).Raw(">Next</a></li>");
        }

        html.Raw("</ul></nav>");
    }
}
