using System.Net;
using System.Text.RegularExpressions;
using LedgerSync.Dashboard.Tests.Support;
using LedgerSync.Testing.Logging;
using LedgerSync.Testing.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LedgerSync.Dashboard.Tests.Endpoints;

/// <summary>The dashboard's HTTP behaviour without a browser: encoding, bad input, policies, headers, assets.</summary>
public sealed partial class DashboardHttpTests
{
    private DashboardHost? _host;

    [TearDown]
    public async Task StopHost()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    [Test]
    public async Task PartiesPage_PartyNameAndErrorWithMarkup_AreHtmlEncoded()
    {
        _host = await DashboardHost.StartAsync();
        var party = PartyName.Parse("O=Smith & Sons, L=Zürich, C=CH");
        var runId = Guid.NewGuid();
        await _host.StatusStore.RecordStartedAsync(party, true, runId, DateTimeOffset.UnixEpoch);
        await _host.StatusStore.RecordFinishedAsync(party, true, runId, ReconciliationState.Failed, DateTimeOffset.UnixEpoch.AddSeconds(1), null, "<script>alert('x')</script> & <img src=x onerror=alert(1)>");
        using var client = _host.CreateClient();

        foreach (var path in (string[])["ledgersync/parties", "ledgersync/", "ledgersync/party?name=" + Uri.EscapeDataString(party.ToString())])
        {
            var body = await client.GetStringAsync(path);
            Assert.That(body, Does.Contain("Smith &amp; Sons").And.Contain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;img"), path);
            Assert.That(body, Does.Not.Contain("<script>alert").And.Not.Contain("<img src=x"), path);
        }
    }

    [Test]
    public async Task PartiesPage_UnknownStatusOrRole_Returns400NamingTheAcceptedValues()
    {
        _host = await DashboardHost.StartAsync();
        using var client = _host.CreateClient();

        using var status = await client.GetAsync("ledgersync/parties?status=%3Cb%3EBROKEN");
        using var role = await client.GetAsync("ledgersync/parties?role=owner");

        Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await status.Content.ReadAsStringAsync(), Does.Contain("&#x27;&lt;b&gt;BROKEN&#x27; is not a reconciliation state").And.Contain("DIFFERENCES_NOT_FOUND"));
        Assert.That(role.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await role.Content.ReadAsStringAsync(), Does.Contain("expected requester or responder"));
    }

    [TestCase("")]
    [TestCase("O=PartyB")]
    [TestCase("O=PartyB, L=Ottawa, C=ca")]
    public async Task PartyPage_MalformedName_Returns400WithTheParseError(string name)
    {
        _host = await DashboardHost.StartAsync();
        using var client = _host.CreateClient();

        using var page = await client.GetAsync("ledgersync/party?name=" + Uri.EscapeDataString(name));
        using var csv = await client.GetAsync("ledgersync/party/ids.csv?name=" + Uri.EscapeDataString(name));

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("is not a valid X.500 name"));
        Assert.That(csv.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task PartyPage_PageBeyondTheLast_ShowsTheLastPage()
    {
        _host = await DashboardHost.StartAsync();
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        await _host.WaitForStatusAsync(DashboardHost.PartyB, s => s.LastReconciliationStatus == ReconciliationState.DifferencesFound);
        using var client = _host.CreateClient();

        var body = await client.GetStringAsync("ledgersync/party?page=99&name=" + Uri.EscapeDataString(DashboardHost.PartyB.ToString()));

        Assert.That(body, Does.Contain("Page 3 of 3"));
        Assert.That(CodeElement().Matches(body.Split("id=\"ids-list\"")[1]), Has.Count.EqualTo(DashboardHost.OnlyB - 20));
    }

    [TestCase("-5", "Runs page 1")]
    [TestCase("abc", "Runs page 1")]
    [TestCase("2147483647", "No older runs.")]
    public async Task PartyPage_HistoryPageOutOfRange_ShowsAPageWithoutFailing(string history, string expected)
    {
        _host = await DashboardHost.StartAsync();
        var party = PartyName.Parse("O=History, L=Oslo, C=NO");
        for (var i = 0; i < 3; i++)
        {
            var runId = Guid.NewGuid();
            await _host.StatusStore.RecordStartedAsync(party, true, runId, DateTimeOffset.UnixEpoch.AddMinutes(i));
            await _host.StatusStore.RecordFinishedAsync(party, true, runId, ReconciliationState.DifferencesNotFound, DateTimeOffset.UnixEpoch.AddMinutes(i).AddSeconds(1), null, null);
        }

        using var client = _host.CreateClient();
        using var response = await client.GetAsync("ledgersync/party?history=" + history + "&name=" + Uri.EscapeDataString(party.ToString()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(expected));
    }

    [Test]
    public async Task Pages_Always_CarryAContentSecurityPolicyWithoutInlineScriptOrOtherOrigins()
    {
        _host = await DashboardHost.StartAsync();
        using var client = _host.CreateClient();

        using var response = await client.GetAsync("ledgersync/");
        var body = await response.Content.ReadAsStringAsync();

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.That(csp, Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Not.Contain("unsafe-inline"));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        Assert.That(body, Does.Not.Match("(src|href)=\"(https?:)?//"), "an external asset");
        Assert.That(body, Does.Not.Match("<script>|<style>| style=\"| on[a-z]+=\""), "inline script or style");
    }

    [TestCase("ledgersync/assets/dashboard.css", "text/css")]
    [TestCase("ledgersync/assets/dashboard.js", "text/javascript")]
    public async Task Assets_Requested_AreServedFromTheAssembly(string path, string mediaType)
    {
        _host = await DashboardHost.StartAsync();
        using var client = _host.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo(mediaType));
        Assert.That((await response.Content.ReadAsStringAsync()).Length, Is.GreaterThan(500));
    }

    [Test]
    public async Task NamedPolicy_UserOutsideIt_IsForbiddenAndTheOperatorIsAdmitted()
    {
        _host = await DashboardHost.StartAsync(o => o.AuthorizationPolicy = "Operators");
        using var bob = new HttpClient { BaseAddress = _host.Root };
        bob.DefaultRequestHeaders.Add(HeaderAuthenticationHandler.HeaderName, "bob");
        using var alice = _host.CreateClient();

        using var forbidden = await bob.GetAsync("ledgersync/");
        using var admitted = await alice.GetAsync("ledgersync/");

        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(admitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task AllowAnonymous_OptedIn_ServesAnonymousRequestsAndWarnsAtStartup()
    {
        _host = await DashboardHost.StartAsync(o => o.AllowAnonymous = true);
        using var anonymous = _host.CreateClient(authenticated: false);

        using var response = await anonymous.GetAsync("ledgersync/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var warning = _host.Logs.WithEventId(LedgerSyncDashboardEventId.AnonymousAccess).Single();
        Assert.That(warning.Level, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain("/ledgersync allows anonymous access"));
    }

    [Test]
    public async Task DefaultPolicy_Mapped_LogsNoAnonymousWarning()
    {
        _host = await DashboardHost.StartAsync();

        Assert.That(_host.Logs.WithEventId(LedgerSyncDashboardEventId.AnonymousAccess), Is.Empty);
    }

    [Test]
    public async Task Refresh_WithTheFormsToken_RunsTheFlowAndSaysHowManyIdsWereDropped()
    {
        _host = await DashboardHost.StartAsync();
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = _host.Root };
        client.DefaultRequestHeaders.Add(HeaderAuthenticationHandler.HeaderName, DashboardHost.Operator);
        var page = await client.GetStringAsync("ledgersync/");
        var token = TokenField().Match(page).Groups[1].Value;

        using var response = await client.PostAsync("ledgersync/actions/refresh", new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token)), new("returnTo", "overview")]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Refreshed the statuses: 0 transactions found earlier"));
        Assert.That(_host.Logs.WithEventId(LedgerSyncDashboardEventId.ActionDone).Single().Message, Does.Contain("Dashboard user alice ran refresh"));
    }

    [Test]
    public void MapLedgerSyncDashboard_WithoutItsServices_ThrowsNamingTheRegistration()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddLedgerSync(o => o.LocalParty = DashboardHost.PartyA);
        using var app = (IDisposable)builder.Build();

        Assert.That(() => ((WebApplication)app).MapLedgerSyncDashboard(), Throws.InvalidOperationException.With.Message.Contains("AddLedgerSyncDashboard()"));
    }

    [Test]
    public void MapLedgerSyncDashboard_WithoutLedgerSync_ThrowsNamingAddLedgerSync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddLedgerSyncDashboard();
        using var app = (IDisposable)builder.Build();

        Assert.That(() => ((WebApplication)app).MapLedgerSyncDashboard(), Throws.InvalidOperationException.With.Message.Contains("AddLedgerSync()"));
    }

    [TestCase("ledgersync")]
    [TestCase("/ledger/{party}")]
    [TestCase("/a//b")]
    public void MapLedgerSyncDashboard_PathNotLiteral_ThrowsArgumentException(string path)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddLedgerSync(o => o.LocalParty = DashboardHost.PartyA);
        builder.Services.AddLedgerSyncDashboard();
        using var app = (IDisposable)builder.Build();

        Assert.That(() => ((WebApplication)app).MapLedgerSyncDashboard(path), Throws.ArgumentException.With.Message.Contains(path));
    }

    [Test]
    public void Options_OutOfRange_StopTheHostNamingEveryBadValue()
    {
        var services = new ServiceCollection();
        services.AddLedgerSyncDashboard(o =>
        {
            o.TransactionIdsPageSize = 0;
            o.LiveRefreshInterval = TimeSpan.FromMilliseconds(10);
            o.Title = " ";
        });
        using var provider = services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IOptions<LedgerSyncDashboardOptions>>().Value,
            Throws.TypeOf<OptionsValidationException>()
                .With.Message.Contains("TransactionIdsPageSize")
                .And.Message.Contains("LiveRefreshInterval")
                .And.Message.Contains("Title"));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("<code>")]
    private static partial Regex CodeElement();
}
