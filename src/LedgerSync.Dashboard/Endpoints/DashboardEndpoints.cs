using System.Text;
using LedgerSync.Dashboard.Data;
using LedgerSync.Dashboard.Pages;
using LedgerSync.Dashboard.Rendering;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LedgerSync.Dashboard.Endpoints;

/// <summary>The dashboard's routes and their handlers.</summary>
internal static class DashboardEndpoints
{
    private const string HtmlContentType = "text/html; charset=utf-8";

    // No inline script or style, nothing from another origin: the page works offline and injected markup cannot run.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Map(RouteGroupBuilder group, string prefix)
    {
        group.MapGet("/", (HttpContext http) => OverviewAsync(http, prefix));
        group.MapGet("/parties", (HttpContext http) => PartiesAsync(http, prefix));
        group.MapGet("/party", (HttpContext http) => PartyAsync(http, prefix));
        group.MapGet("/party/ids.csv", IdsCsvAsync);
        group.MapGet("/live", (HttpContext http) => LiveAsync(http, prefix));
        group.MapGet("/live/runs", (HttpContext http) => LiveRunsAsync(http, prefix));
        group.MapGet("/assets/dashboard.css", (HttpContext http) => AssetAsync(http, "dashboard.css", "text/css; charset=utf-8"));
        group.MapGet("/assets/dashboard.js", (HttpContext http) => AssetAsync(http, "dashboard.js", "text/javascript; charset=utf-8"));
        group.MapPost("/actions/schedule", (HttpContext http) => ActionAsync(http, prefix, Schedule));
        group.MapPost("/actions/stop", (HttpContext http) => ActionAsync(http, prefix, Stop));
        group.MapPost("/actions/refresh", (HttpContext http) => ActionAsync(http, prefix, Refresh));
        group.MapPost("/actions/recover", (HttpContext http) => ActionAsync(http, prefix, Recover));
        group.MapGet("/party/recovery", (HttpContext http) => RecoveryFragmentAsync(http, prefix));
        group.MapPost("/actions/dump", (HttpContext http) => DumpAsync(http, prefix));
    }

    private static Task<ActionOutcome> Schedule(LedgerSyncNodeActions actions, IFormCollection form, string user, CancellationToken cancellationToken) =>
        actions.ScheduleAsync(form["parties"].Select(v => v ?? string.Empty), user, cancellationToken);

    private static Task<ActionOutcome> Stop(LedgerSyncNodeActions actions, IFormCollection form, string user, CancellationToken cancellationToken) =>
        actions.StopAsync(form["party"].FirstOrDefault(), user, cancellationToken);

    private static Task<ActionOutcome> Recover(LedgerSyncNodeActions actions, IFormCollection form, string user, CancellationToken cancellationToken) =>
        actions.RecoverAsync(form["party"].FirstOrDefault(), user, cancellationToken);

    private static async Task RecoveryFragmentAsync(HttpContext http, string prefix)
    {
        if (!PartyName.TryParse(http.Request.Query["name"], out var party, out var error))
        {
            await WriteHtmlAsync(http, new Html().Raw("<p class=\"message error\" role=\"alert\">").Text(error).Raw("</p>").ToString(), StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        var recovery = await reader.GetRecoveryAsync(party, http.RequestAborted).ConfigureAwait(false);
        await WriteHtmlAsync(http, PartyPage.RenderRecoveryFragment(CreateContext(http, prefix), recovery)).ConfigureAwait(false);
    }

    private static Task<ActionOutcome> Refresh(LedgerSyncNodeActions actions, IFormCollection form, string user, CancellationToken cancellationToken) =>
        actions.RefreshAsync(user, cancellationToken);

    private static async Task OverviewAsync(HttpContext http, string prefix)
    {
        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        var model = await reader.GetOverviewAsync(http.RequestAborted).ConfigureAwait(false);
        await WriteHtmlAsync(http, OverviewPage.Render(CreateContext(http, prefix), model)).ConfigureAwait(false);
    }

    private static async Task PartiesAsync(HttpContext http, string prefix)
    {
        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        var context = CreateContext(http, prefix);
        if (!PartiesFilter.TryParse(http.Request.Query["status"], http.Request.Query["role"], out var filter, out var error))
        {
            await WriteHtmlAsync(http, PartiesPage.Render(context, PartiesFilter.All, [], error), StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        var rows = await reader.GetPartiesAsync(filter, http.RequestAborted).ConfigureAwait(false);
        await WriteHtmlAsync(http, PartiesPage.Render(context, filter, rows)).ConfigureAwait(false);
    }

    private static async Task PartyAsync(HttpContext http, string prefix) =>
        await RenderPartyAsync(http, CreateContext(http, prefix), http.Request.Query["name"], StatusCodes.Status200OK).ConfigureAwait(false);

    private static async Task RenderPartyAsync(HttpContext http, PageContext context, string? name, int statusCode)
    {
        if (!PartyName.TryParse(name, out var party, out var error))
        {
            var page = Layout.Page(context, Layout.Party, "Party", html => html.Raw("<div class=\"message error\" role=\"alert\">").Text(error).Raw("</div>"));
            await WriteHtmlAsync(http, page, StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        var pageNumber = int.TryParse(http.Request.Query["page"], out var n) ? n : 1;
        var historyPage = int.TryParse(http.Request.Query["history"], out var h) ? h : 1;
        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        var detail = await reader.GetPartyAsync(party, pageNumber, context.IdsPageSize, historyPage, context.RunHistoryPageSize, http.RequestAborted).ConfigureAwait(false);
        await WriteHtmlAsync(http, PartyPage.Render(context, detail), statusCode).ConfigureAwait(false);
    }

    private static async Task IdsCsvAsync(HttpContext http)
    {
        if (!PartyName.TryParse(http.Request.Query["name"], out var party, out var error))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(error, http.RequestAborted).ConfigureAwait(false);
            return;
        }

        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        var ids = await reader.GetIdsFoundAsync(party, http.RequestAborted).ConfigureAwait(false);
        var csv = new StringBuilder((ids.Count + 1) * 66);
        csv.Append("transaction_id\r\n");
        foreach (var id in ids)
        {
            csv.Append(id).Append("\r\n");
        }

        var fileName = "ledgersync-ids-" + SafeFileName(party.Organisation) + ".csv";
        SetCommonHeaders(http.Response);
        await Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", fileName).ExecuteAsync(http).ConfigureAwait(false);
    }

    private static async Task LiveAsync(HttpContext http, string prefix)
    {
        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        await WriteHtmlAsync(http, LivePage.Render(CreateContext(http, prefix), reader.GetLiveRuns())).ConfigureAwait(false);
    }

    private static async Task LiveRunsAsync(HttpContext http, string prefix)
    {
        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        await WriteHtmlAsync(http, LivePage.RenderFragment(CreateContext(http, prefix), reader.GetLiveRuns())).ConfigureAwait(false);
    }

    private static async Task ActionAsync(HttpContext http, string prefix, Func<LedgerSyncNodeActions, IFormCollection, string, CancellationToken, Task<ActionOutcome>> action)
    {
        if (await ReadValidatedFormAsync(http, prefix).ConfigureAwait(false) is not { } form)
        {
            return;
        }

        var actions = http.RequestServices.GetRequiredService<LedgerSyncNodeActions>();
        var outcome = await action(actions, form, UserName(http), http.RequestAborted).ConfigureAwait(false);
        await RenderAfterActionAsync(http, prefix, form, outcome).ConfigureAwait(false);
    }

    private static async Task DumpAsync(HttpContext http, string prefix)
    {
        if (await ReadValidatedFormAsync(http, prefix).ConfigureAwait(false) is not { } form)
        {
            return;
        }

        var directory = Path.Combine(Path.GetTempPath(), "ledgersync-dashboard-dumps", Guid.NewGuid().ToString("N"));
        var actions = http.RequestServices.GetRequiredService<LedgerSyncNodeActions>();
        var outcome = await actions.DumpAsync(directory, UserName(http), http.RequestAborted).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            await RenderAfterActionAsync(http, prefix, form, outcome).ConfigureAwait(false);
            return;
        }

        // The dump is the node's to keep only in its own logs directory; this copy exists for the download alone.
        http.Response.RegisterForDispose(new TemporaryDirectory(directory));
        SetCommonHeaders(http.Response);
        await Results.File(outcome.Message, "application/zip", Path.GetFileName(outcome.Message)).ExecuteAsync(http).ConfigureAwait(false);
    }

    private static async Task<IFormCollection?> ReadValidatedFormAsync(HttpContext http, string prefix)
    {
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        try
        {
            await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            var context = CreateContext(http, prefix) with
            {
                Message = ActionOutcome.Rejected("The form did not carry a valid antiforgery token (it expired or did not come from this dashboard). Nothing was done; reload the page and try again.", StatusCodes.Status400BadRequest),
            };
            await WriteHtmlAsync(http, Layout.Page(context, string.Empty, "Request refused", _ => { }), StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return null;
        }

        return await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task RenderAfterActionAsync(HttpContext http, string prefix, IFormCollection form, ActionOutcome outcome)
    {
        var context = CreateContext(http, prefix) with { Message = outcome };
        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        switch (form["returnTo"].FirstOrDefault())
        {
            case Layout.Party when form["returnParty"].FirstOrDefault() is { } party:
                await RenderPartyAsync(http, context, party, outcome.StatusCode).ConfigureAwait(false);
                break;
            case Layout.Parties:
                await WriteHtmlAsync(http, PartiesPage.Render(context, PartiesFilter.All, await reader.GetPartiesAsync(PartiesFilter.All, http.RequestAborted).ConfigureAwait(false)), outcome.StatusCode).ConfigureAwait(false);
                break;
            case Layout.Overview:
                await WriteHtmlAsync(http, OverviewPage.Render(context, await reader.GetOverviewAsync(http.RequestAborted).ConfigureAwait(false)), outcome.StatusCode).ConfigureAwait(false);
                break;
            default:
                await WriteHtmlAsync(http, LivePage.Render(context, reader.GetLiveRuns()), outcome.StatusCode).ConfigureAwait(false);
                break;
        }
    }

    private static PageContext CreateContext(HttpContext http, string prefix)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<LedgerSyncDashboardOptions>>().Value;
        var reader = http.RequestServices.GetRequiredService<LedgerSyncNodeReader>();
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return new PageContext(
            http.Request.PathBase.Add(prefix).Value ?? prefix,
            options.Title,
            reader.LocalParty,
            tokens.FormFieldName,
            tokens.RequestToken ?? string.Empty,
            (int)options.LiveRefreshInterval.TotalMilliseconds,
            options.TransactionIdsPageSize,
            options.RunHistoryPageSize);
    }

    private static async Task WriteHtmlAsync(HttpContext http, string page, int statusCode = StatusCodes.Status200OK)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = HtmlContentType;
        SetCommonHeaders(http.Response);
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync(page, Encoding.UTF8, http.RequestAborted).ConfigureAwait(false);
    }

    private static void SetCommonHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
    }

    private static async Task AssetAsync(HttpContext http, string name, string contentType)
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var stream = assembly.GetManifestResourceStream("LedgerSync.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is missing from {assembly.GetName().Name}.");
        await using var _ = stream.ConfigureAwait(false);
        http.Response.ContentType = contentType;
        SetCommonHeaders(http.Response);
        http.Response.Headers.CacheControl = "private, max-age=300";
        http.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
    }

    private static string UserName(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    private static string SafeFileName(string text)
    {
        var safe = new string([.. text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]).Trim('-');
        return safe.Length == 0 ? "party" : safe[..Math.Min(safe.Length, 64)];
    }

    /// <summary>Deletes the dump's temporary directory once the response is sent.</summary>
    private sealed class TemporaryDirectory(string path) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // Still open elsewhere: the temporary folder is cleaned by the system.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
        }
    }
}
