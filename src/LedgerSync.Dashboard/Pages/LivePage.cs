using System.Globalization;
using LedgerSync.Dashboard.Data;
using LedgerSync.Dashboard.Rendering;

namespace LedgerSync.Dashboard.Pages;

/// <summary>The in-flight runs, refreshed in place by the page's script polling <see cref="RenderRuns"/>.</summary>
internal static class LivePage
{
    public static string Render(PageContext context, IReadOnlyList<LiveRun> runs) =>
        Layout.Page(context, Layout.Live, "Live runs", html =>
        {
            html.Raw("<p class=\"help\">Queued and running reconciliations of both roles, updated every ")
                .Text(context.LiveRefreshMilliseconds < 1000
                    ? context.LiveRefreshMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms"
                    : Html.Format(TimeSpan.FromMilliseconds(context.LiveRefreshMilliseconds)))
                .Raw(". A run waiting on its counterparty past the stuck-session interval is marked <strong>stuck</strong>.</p>")
                .Raw("<p><button type=\"button\" class=\"pause\" id=\"live-pause\" aria-pressed=\"false\" aria-controls=\"live-runs\">Pause updates</button> ")
                .Raw("<span class=\"live-state\" id=\"live-state\" role=\"status\"></span></p>")
                .Raw("<div id=\"live-runs\" data-refresh").Attr("data-refresh-url", context.Url("/live/runs"))
                .Attr("data-refresh-ms", context.LiveRefreshMilliseconds.ToString(CultureInfo.InvariantCulture)).Raw(">");
            RenderRuns(html, context, runs, Layout.Live);
            html.Raw("</div>");
            Actions.NodeActions(html, context, Layout.Live);
        });

    /// <summary>The table of runs alone: the fragment the live page fetches.</summary>
    public static string RenderFragment(PageContext context, IReadOnlyList<LiveRun> runs)
    {
        var html = new Html();
        RenderRuns(html, context, runs, Layout.Live);
        return html.ToString();
    }

    public static void RenderRuns(Html html, PageContext context, IReadOnlyList<LiveRun> runs, string page, string? returnParty = null)
    {
        var stuck = runs.Count(r => r.IsStuck);
        html.Raw("<p class=\"summary\" data-testid=\"live-count\">").Number(runs.Count).Raw(runs.Count == 1 ? " run in flight" : " runs in flight");
        if (stuck > 0)
        {
            html.Raw(", <strong class=\"stuck-count\">").Number(stuck).Raw(" stuck</strong>");
        }

        html.Raw("</p>");
        if (runs.Count == 0)
        {
            return;
        }

        html.Raw("<div class=\"table-wrap\" role=\"region\" aria-label=\"In-flight runs\" tabindex=\"0\"><table class=\"cards live\"><caption>In-flight runs, oldest first</caption><thead><tr>")
            .Raw("<th scope=\"col\">Party</th><th scope=\"col\">Role</th><th scope=\"col\">Stage</th><th scope=\"col\">Progress</th><th scope=\"col\">Exchanges</th>")
            .Raw("<th scope=\"col\">Sent</th><th scope=\"col\">Received</th><th scope=\"col\">Waiting on</th><th scope=\"col\">Started</th>")
            .Raw("<th scope=\"col\">Run</th><th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            html.Raw(run.IsStuck ? "<tr class=\"stuck\"" : "<tr").Attr("data-run-id", run.RunId.ToString()).Raw(">")
                .Raw("<th scope=\"row\" data-label=\"Party\"><a class=\"party\"").Attr("href", context.PartyUrl(run.Party)).Raw(">").Text(run.Party).Raw("</a>");
            if (run.IsStuck)
            {
                html.Raw(" <span class=\"badge stuck-badge\">stuck</span>");
            }

            html.Raw("</th><td data-label=\"Role\">").Raw(run.IsRequester ? "requester" : "responder").Raw("</td>")
                .Raw("<td data-label=\"Stage\" class=\"stage\">").Text(run.Stage).Raw("</td>")
                .Raw("<td data-label=\"Progress\" class=\"progress\">");
            if (run.ProgressPercent is { } percent)
            {
                html.Raw("<progress max=\"100\"").Attr("value", percent.ToString(CultureInfo.InvariantCulture))
                    .Attr("aria-label", "Estimated progress of the run with " + run.Party).Raw(">").Number(percent).Raw(" %</progress> ")
                    .Raw("<span class=\"percent\">≈ ").Number(percent).Raw(" %</span><span class=\"times\">").Number(run.Symbols).Raw(" of ")
                    .Number(run.SymbolsExpected).Raw(" symbols</span>");
            }
            else
            {
                html.Raw("<span class=\"none\">—</span>");
            }

            html.Raw("</td>")
                .Raw("<td data-label=\"Exchanges\" class=\"num\">").Number(run.Exchanges).Raw("</td>")
                .Raw("<td data-label=\"Sent\" class=\"num\">").Bytes(run.BytesSent).Raw("</td>")
                .Raw("<td data-label=\"Received\" class=\"num\">").Bytes(run.BytesReceived).Raw("</td>")
                .Raw("<td data-label=\"Waiting on\" class=\"waiting\">");
            if (run.WaitingOn is { } waitingOn)
            {
                html.Raw("waiting on ").Text(waitingOn).Raw(" since ").Time(run.WaitingSince).Raw(" (").Duration(run.Waited).Raw(")");
            }
            else
            {
                html.Raw("working since ").Time(run.WaitingSince);
            }

            html.Raw("</td><td data-label=\"Started\">").Time(run.Started).Raw("</td>")
                .Raw("<td data-label=\"Run\"><code class=\"run-id\">").Text(run.RunId.ToString()).Raw("</code></td><td data-label=\"Actions\">");
            Actions.PartyButton(html, context, "stop", "Stop", run.Party, page, returnParty);
            html.Raw("</td></tr>");
        }

        html.Raw("</tbody></table></div>");
    }
}
