using System.Text.RegularExpressions;
using LedgerSync.Dashboard.Tests.Support;
using LedgerSync.Diagnostics;
using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Playwright;

namespace LedgerSync.Dashboard.Tests.Browser;

/// <summary>The dashboard in a real browser (the system's Chromium through Playwright) against two in-memory nodes.</summary>
[NonParallelizable]
public sealed class DashboardBrowserTests
{
    private static readonly float Timeout = 20_000;

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private DashboardHost _host = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    [OneTimeSetUp]
    public async Task LaunchBrowser() => (_playwright, _browser) = await SystemBrowser.LaunchAsync();

    [OneTimeTearDown]
    public async Task CloseBrowser()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [SetUp]
    public async Task StartHost()
    {
        _host = await DashboardHost.StartAsync();
        _context = await NewContextAsync(authenticated: true);
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout(Timeout);
    }

    [TearDown]
    public async Task StopHost()
    {
        await _context.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task Overview_AfterASuccessfulAndAFailedRun_ShowsTheMonitorsCountsGraphStateAndHealth()
    {
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        await _host.WaitForStatusAsync(DashboardHost.PartyB, s => s.LastReconciliationStatus == ReconciliationState.DifferencesFound);
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyC]);
        await _host.WaitForStatusAsync(DashboardHost.PartyC, s => s.LastReconciliationStatus == ReconciliationState.Failed);

        await _page.GotoAsync(_host.Dashboard.ToString());

        var counts = await _host.Monitor.GetCountsAsync();
        var health = await _host.App.Services.GetRequiredService<LedgerSyncHealthCheck>().CheckHealthAsync(new HealthCheckContext());
        Assert.Multiple(async () =>
        {
            Assert.That(await MetricAsync("scheduled"), Is.EqualTo(counts.Scheduled));
            Assert.That(await MetricAsync("in-progress"), Is.EqualTo(counts.InProgress));
            Assert.That(await MetricAsync("incoming"), Is.EqualTo(_host.Monitor.NumberOfIncomingReconciliationsInProgress));
            Assert.That(await MetricAsync("failed"), Is.EqualTo(counts.Failed).And.EqualTo(1));
            Assert.That(await MetricAsync("with-differences"), Is.EqualTo(counts.WithDifferences).And.EqualTo(1));
            Assert.That(await MetricAsync("without-differences"), Is.EqualTo(counts.WithoutDifferences));
            Assert.That(await _page.GetByTestId("graph-initialized").InnerTextAsync(), Is.EqualTo(_host.Monitor.LedgerGraphIsInitialized ? "yes" : "no"));
            Assert.That(await _page.GetByTestId("graph-self-consistent").InnerTextAsync(), Is.EqualTo(_host.Monitor.LedgerGraphIsSelfConsistent ? "yes" : "no"));
            Assert.That(await _page.GetByTestId("graph-errors").InnerTextAsync(), Is.EqualTo(_host.Monitor.LedgerGraphErrors.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(await _page.GetByTestId("health").InnerTextAsync(), Does.StartWith(health.Status.ToString()).And.Contain(DashboardHost.PartyC.ToString()));
        });
        Assert.That(await _page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 }).IsVisibleAsync(), Is.True);
        await Screenshots.SaveAsync(_page, "overview");
    }

    [Test]
    public async Task PartiesPage_RunWithUnreachablePartyFailed_ShowsItsErrorAndFiltersByStatusAndRole()
    {
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        await _host.WaitForStatusAsync(DashboardHost.PartyB, s => s.LastReconciliationStatus == ReconciliationState.DifferencesFound);
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyC]);
        var failed = await _host.WaitForStatusAsync(DashboardHost.PartyC, s => s.LastReconciliationStatus == ReconciliationState.Failed);
        Assert.That(failed.LastReconciliationError, Is.Not.Null.And.Not.Empty);
        // B reconciles with A too, so A holds a row as responder.
        await _host.NodeB.Services.GetRequiredService<LedgerSync.Flows.ReconciliationFlows>().ScheduleReconciliationAsync([DashboardHost.PartyA]);
        await DashboardHost.WaitUntilAsync(
            () => _host.Flows.GetReconciliationStatusForPartyAsync(DashboardHost.PartyB, false).GetAwaiter().GetResult()?.LastReconciliationStatus is { } s && s != ReconciliationState.InProgress,
            "B's reconciliation with A never ended on A");

        await _page.GotoAsync(new Uri(_host.Dashboard + "/parties").ToString());
        var all = _page.Locator("#parties-table tbody tr");
        Assert.That(await all.CountAsync(), Is.EqualTo(3), "A requested with B and with C, and responded to B");
        Assert.That(await all.Nth(1).InnerTextAsync(), Does.Contain(DashboardHost.PartyB.ToString()).And.Contain("responder"));
        await Screenshots.SaveAsync(_page, "parties");

        await _page.GetByLabel("Latest status", new() { Exact = true }).SelectOptionAsync(ReconciliationStateNames.Failed);
        await _page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("requester");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();
        // The filtered page's URL, then its one row, as retrying assertions: a CI run once timed out in WaitForURLAsync,
        // which also waits for the page's load event.
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex("status=FAILED"), new() { Timeout = Timeout });
        var rows = _page.Locator("#parties-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1, new() { Timeout = Timeout });
        Assert.That(await rows.First.InnerTextAsync(), Does.Contain(DashboardHost.PartyC.ToString()).And.Contain(failed.LastReconciliationError!).And.Contain("FAILED"));

        await _page.GetByRole(AriaRole.Link, new() { Name = DashboardHost.PartyC.ToString() }).ClickAsync();
        await _page.GetByRole(AriaRole.Heading, new() { Name = DashboardHost.PartyC.ToString(), Level = 1 }).WaitForAsync();
        Assert.That(await _page.Locator("main").InnerTextAsync(), Does.Contain(failed.LastReconciliationError!));
    }

    [Test]
    public async Task PartyPage_DifferencesFound_ListsTheIdsPagedAndDownloadsThemAsCsv()
    {
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        var status = await _host.WaitForStatusAsync(DashboardHost.PartyB, s => s.LastReconciliationStatus == ReconciliationState.DifferencesFound);
        var expected = status.LastSuccessfulReconciliationResult.Select(id => id.ToString()).ToList();
        Assert.That(expected, Has.Count.EqualTo(DashboardHost.OnlyB));

        await _page.GotoAsync(_host.Dashboard + "/party?name=" + Uri.EscapeDataString(DashboardHost.PartyB.ToString()));
        Assert.That(await _page.GetByTestId("ids-count").InnerTextAsync(), Is.EqualTo($"{DashboardHost.OnlyB} transactions"));
        var firstPage = await _page.Locator("#ids-list code").AllInnerTextsAsync();
        Assert.That(firstPage, Is.EqualTo(expected.Take(10)));
        await Screenshots.SaveAsync(_page, "party");

        await _page.GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
        await _page.GetByText("Page 2 of 3").WaitForAsync();
        Assert.That(await _page.Locator("#ids-list code").AllInnerTextsAsync(), Is.EqualTo(expected.Skip(10).Take(10)));

        var download = await _page.RunAndWaitForDownloadAsync(() => _page.GetByRole(AriaRole.Link, new() { Name = "Download all as CSV" }).ClickAsync());
        var file = Path.Combine(Screenshots.Folder, "..", "ids-" + Guid.NewGuid().ToString("N") + ".csv");
        await download.SaveAsAsync(file);
        var lines = (await File.ReadAllLinesAsync(file)).Where(l => l.Length > 0).ToList();
        File.Delete(file);
        Assert.That(lines[0], Is.EqualTo("transaction_id"));
        Assert.That(lines.Skip(1), Is.EqualTo(expected));
        Assert.That(download.SuggestedFilename, Is.EqualTo("ledgersync-ids-PartyB.csv"));
    }

    [Test]
    public async Task PartyPage_SeveralRuns_ShowsTheRunHistoryNewestFirstPaged()
    {
        var runs = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
            var done = await _host.WaitForStatusAsync(
                DashboardHost.PartyB, s => s.LastReconciliationStatus == ReconciliationState.DifferencesFound && !runs.Contains(s.StateMachineRunId!.Value));
            runs.Insert(0, done.StateMachineRunId!.Value);
        }

        var stored = await _host.App.Services.GetRequiredService<IReconciliationRunHistory>().ReadRunsAsync(new ReconciliationRunQuery { Party = DashboardHost.PartyB });
        Assert.That(stored.Select(r => r.RunId), Is.EqualTo(runs), "the store's history, newest first");

        await _page.GotoAsync(_host.Dashboard + "/party?name=" + Uri.EscapeDataString(DashboardHost.PartyB.ToString()));
        var rows = _page.Locator("#history-table tbody tr");
        Assert.That(await RunIdsAsync(rows), Is.EqualTo(runs.Take(2)), "page 1 holds the two newest runs (RunHistoryPageSize = 2)");
        var newest = await rows.First.InnerTextAsync();
        Assert.That(newest, Does.Contain("DIFFERENCES_FOUND").And.Contain("requester").And.Contain(DashboardHost.OnlyB.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(await rows.First.Locator("time").First.GetAttributeAsync("datetime"), Is.EqualTo(stored[0].Started!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        await Screenshots.SaveAsync(_page, "party-history");

        await _page.GetByRole(AriaRole.Link, new() { Name = "Older runs" }).ClickAsync();
        await _page.GetByText("Runs page 2").WaitForAsync();
        Assert.That(await RunIdsAsync(rows), Is.EqualTo(runs.Skip(2)));
        Assert.That(await _page.GetByRole(AriaRole.Link, new() { Name = "Older runs" }).CountAsync(), Is.Zero, "the last page");
        Assert.That(await _page.Locator("#ids-list code").CountAsync(), Is.EqualTo(10), "the IDs stay on their own page");

        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyC]);
        var failed = await _host.WaitForStatusAsync(DashboardHost.PartyC, s => s.LastReconciliationStatus == ReconciliationState.Failed);
        await _page.GotoAsync(_host.Dashboard + "/party?name=" + Uri.EscapeDataString(DashboardHost.PartyC.ToString()));
        var failedRow = _page.Locator("#history-table tbody tr");
        Assert.That(await failedRow.CountAsync(), Is.EqualTo(1));
        Assert.That(await failedRow.InnerTextAsync(), Does.Contain("FAILED").And.Contain(failed.LastReconciliationError!));
    }

    [Test]
    public async Task Recover_FromThePartyPage_RecoversTheIdsFoundAndShowsItsProgressInPlace()
    {
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        var found = await _host.WaitForStatusAsync(DashboardHost.PartyB, s => s.LastReconciliationStatus == ReconciliationState.DifferencesFound);
        await _page.GotoAsync(_host.Dashboard + "/party?name=" + Uri.EscapeDataString(DashboardHost.PartyB.ToString()));
        Assert.That(await _page.GetByTestId("recovery-none").IsVisibleAsync(), Is.True);

        await _page.GetByRole(AriaRole.Button, new() { Name = $"Recover transactions {DashboardHost.PartyB}" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Status).First).ToContainTextAsync($"Queued a recovery of {DashboardHost.OnlyB} transactions from {DashboardHost.PartyB}");

        // The section refreshes in place until the recovery has ended.
        await Assertions.Expect(_page.GetByTestId("recovery-state")).ToHaveTextAsync("FINISHED", new() { Timeout = Timeout });
        var recovery = (await _host.Recovery.GetRecoveryStatusForPartyAsync(DashboardHost.PartyB))!;
        Assert.That(recovery.RecoveredCount, Is.EqualTo(DashboardHost.OnlyB));
        Assert.That(await _page.GetByTestId("recovery-progress").InnerTextAsync(), Does.Contain($"100 %: {DashboardHost.OnlyB} recovered, 0 rejected, 0 refused, 0 pending of {DashboardHost.OnlyB}"));
        Assert.That(await _page.Locator("#recovery-progress").GetAttributeAsync("data-refreshed"), Is.Not.Null, "the section was not refreshed in place");
        Assert.That(_host.Sink.Stored.Keys, Is.EquivalentTo(found.LastSuccessfulReconciliationResult), "A stored exactly what the reconciliation found");
        await Screenshots.SaveAsync(_page, "party-recovery");

        // Recovery refreshes the statuses: the IDs are now in A's ledger, so none is left to find.
        await _host.WaitForStatusAsync(DashboardHost.PartyB, s => s.LastSuccessfulReconciliationResult.Count == 0);
        await _page.ReloadAsync();
        Assert.That(await _page.GetByTestId("ids-count").InnerTextAsync(), Is.EqualTo("0 transactions"));
    }

    [Test]
    public async Task Recover_FromThePageWithNothingFound_ShowsTheTypedErrorAsAMessage()
    {
        await _page.GotoAsync(_host.Dashboard + "/party?name=" + Uri.EscapeDataString(DashboardHost.PartyC.ToString()));

        var response = await _page.RunAndWaitForResponseAsync(
            () => _page.GetByRole(AriaRole.Button, new() { Name = $"Recover transactions {DashboardHost.PartyC}" }).ClickAsync(),
            r => r.Url.EndsWith("/actions/recover", StringComparison.Ordinal));

        var expected = await CaptureMessageAsync(() => _host.Recovery.RecoverTransactionsAsync(DashboardHost.PartyC));
        Assert.That(response.Status, Is.EqualTo(409));
        Assert.That(await _page.GetByRole(AriaRole.Alert).InnerTextAsync(), Does.Contain("Not done.").And.Contain(expected));
        Assert.That(await _host.Recovery.GetRecoveryStatusForPartyAsync(DashboardHost.PartyC), Is.Null, "nothing was queued");
    }

    [Test]
    public async Task Schedule_FromThePage_TheRunAppearsLiveWithoutReloadAndIsMarkedStuck()
    {
        _host.StallPartyB();
        await _page.GotoAsync(_host.Dashboard + "/live");
        Assert.That(await _page.GetByTestId("live-count").InnerTextAsync(), Is.EqualTo("0 runs in flight"));

        await _page.GetByLabel("Parties to reconcile with").FillAsync(DashboardHost.PartyB.ToString());
        await _page.GetByRole(AriaRole.Button, new() { Name = "Schedule reconciliation" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Status).First).ToContainTextAsync($"Scheduled a reconciliation with {DashboardHost.PartyB}");

        // The page shows the run's wait on the silent peer, then marks it stuck, by refreshing the table in place.
        var run = _page.Locator("#live-runs tr.stuck");
        await run.WaitForAsync(new() { Timeout = Timeout });
        Assert.That(await run.InnerTextAsync(), Does.Contain(DashboardHost.PartyB.ToString()).And.Contain("waiting on a message from the counterparty since"));
        Assert.That(await _page.Locator("#live-runs").GetAttributeAsync("data-refreshed"), Is.Not.Null, "the table was not refreshed in place");
        var snapshot = _host.Monitor.GetInFlightReconciliations().Single();
        Assert.That(await run.GetAttributeAsync("data-run-id"), Is.EqualTo(snapshot.RunId.ToString()));
        Assert.That(snapshot.WaitingOn, Is.EqualTo(RunWaitReason.PeerMessage));
        await Screenshots.SaveAsync(_page, "live");
    }

    [Test]
    public async Task LivePage_RunPartWayThroughTheSymbolStream_ShowsItsEstimatedProgress()
    {
        _host.HoldTheSymbolsToPartyDAfterTheFirst();
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyD]);

        // A sends its first round; the wire takes a few messages and then none: its count of symbols sent stops.
        long last = -1;
        await DashboardHost.WaitUntilAsync(
            () =>
            {
                var runs = _host.Monitor.GetInFlightReconciliations();
                var now = runs.Count == 1 ? runs[0].CodedSymbols : -1;
                var settled = now > 0 && now == last;
                last = now;
                Thread.Sleep(100);
                return settled;
            },
            "the run never sent its first symbols to D, or never stopped part-way");
        var snapshot = _host.Monitor.GetInFlightReconciliations().Single();
        Assert.That(snapshot.CodedSymbols, Is.LessThan(snapshot.CodedSymbolsExpected), "the round stopped part-way");
        var percent = (int)(snapshot.CodedSymbols * 100 / snapshot.CodedSymbolsExpected);
        Assert.That(percent, Is.InRange(1, 98));

        await _page.GotoAsync(_host.Dashboard + "/live");

        var cell = _page.Locator($"#live-runs tr[data-run-id=\"{snapshot.RunId}\"] td.progress");
        var text = await cell.InnerTextAsync();
        Assert.That(text, Does.Contain($"≈ {percent} %").And.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{snapshot.CodedSymbols:N0} of {snapshot.CodedSymbolsExpected:N0} symbols")));
        var bar = _page.GetByRole(AriaRole.Progressbar, new() { Name = $"Estimated progress of the run with {DashboardHost.PartyD}" });
        Assert.That(await bar.GetAttributeAsync("value"), Is.EqualTo(percent.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await Screenshots.SaveAsync(_page, "live-progress");
    }

    [Test]
    public async Task Schedule_FromThePageWithThisNode_ShowsTheTypedErrorAsAMessage()
    {
        await _page.GotoAsync(_host.Dashboard.ToString());
        await _page.GetByLabel("Parties to reconcile with").FillAsync(DashboardHost.PartyA.ToString());
        await _page.GetByRole(AriaRole.Button, new() { Name = "Schedule reconciliation" }).ClickAsync();

        var alert = _page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("Not done.");
        var expected = await CaptureMessageAsync(() => _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyA]));
        Assert.That(await alert.InnerTextAsync(), Does.Contain(expected));
        Assert.That(_host.Monitor.GetInFlightReconciliations(), Is.Empty);
    }

    [Test]
    public async Task Stop_FromThePage_EndsTheRunStopped()
    {
        _host.StallPartyB();
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        await DashboardHost.WaitUntilAsync(() => _host.Monitor.GetInFlightReconciliations().Any(r => r.WaitingOn == RunWaitReason.PeerMessage), "the run never waited on B");

        await _page.GotoAsync(_host.Dashboard + "/live");
        await _page.GetByRole(AriaRole.Button, new() { Name = $"Stop {DashboardHost.PartyB}" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Status).First).ToContainTextAsync($"Stopped the reconciliation with {DashboardHost.PartyB}");

        var status = await _host.WaitForStatusAsync(DashboardHost.PartyB, s => s.LastReconciliationStatus == ReconciliationState.Stopped);
        Assert.That(status.LastReconciliationTimeFinished, Is.Not.Null);
        await _page.GotoAsync(_host.Dashboard + "/party?name=" + Uri.EscapeDataString(DashboardHost.PartyB.ToString()));
        Assert.That(await _page.Locator(".status-card").First.InnerTextAsync(), Does.Contain("STOPPED"));
    }

    [Test]
    public async Task AnonymousRequest_DefaultPolicy_IsRefused()
    {
        await using var anonymous = await NewContextAsync(authenticated: false);
        var page = await anonymous.NewPageAsync();
        var refused = page.WaitForResponseAsync(r => r.Url.StartsWith(_host.Dashboard.ToString(), StringComparison.Ordinal));
        try
        {
            await page.GotoAsync(_host.Dashboard.ToString());
        }
        catch (PlaywrightException e) when (e.Message.Contains("ERR_HTTP_RESPONSE_CODE_FAILURE", StringComparison.Ordinal))
        {
            // Chromium shows its own error page for a 401 without a body.
        }

        Assert.That((await refused).Status, Is.EqualTo(401));

        using var client = _host.CreateClient(authenticated: false);
        foreach (var path in (string[])["ledgersync/parties", "ledgersync/live/runs", "ledgersync/assets/dashboard.js", "ledgersync/party/ids.csv?name=O%3DPartyB%2C%20L%3DOttawa%2C%20C%3DCA"])
        {
            using var get = await client.GetAsync(path);
            Assert.That((int)get.StatusCode, Is.EqualTo(401), path);
        }

        using var post = await client.PostAsync("ledgersync/actions/stop", new FormUrlEncodedContent([new("party", DashboardHost.PartyB.ToString())]));
        Assert.That((int)post.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task Post_WithoutTheAntiforgeryToken_IsRefusedAndNothingIsStopped()
    {
        _host.StallPartyB();
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        await DashboardHost.WaitUntilAsync(() => _host.Monitor.GetInFlightReconciliations().Any(r => r.WaitingOn == RunWaitReason.PeerMessage), "the run never waited on B");
        await _page.GotoAsync(_host.Dashboard + "/live");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Pause updates" }).ClickAsync();

        // The page's forms, without their token: what a cross-site form would send.
        await _page.EvaluateAsync("() => document.querySelectorAll('input[name=\"__RequestVerificationToken\"]').forEach(e => e.remove())");
        var response = await _page.RunAndWaitForResponseAsync(
            () => _page.GetByRole(AriaRole.Button, new() { Name = $"Stop {DashboardHost.PartyB}" }).ClickAsync(),
            r => r.Url.EndsWith("/actions/stop", StringComparison.Ordinal));

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(await _page.GetByRole(AriaRole.Alert).InnerTextAsync(), Does.Contain("antiforgery token"));
        Assert.That(_host.Monitor.GetInFlightReconciliations().Select(r => r.Party), Does.Contain(DashboardHost.PartyB));
        Assert.That((await _host.Flows.GetReconciliationStatusForPartyAsync(DashboardHost.PartyB, true))!.LastReconciliationStatus, Is.EqualTo(ReconciliationState.InProgress));

        using var client = _host.CreateClient();
        using var post = await client.PostAsync("ledgersync/actions/stop", new FormUrlEncodedContent([new("party", DashboardHost.PartyB.ToString())]));
        Assert.That((int)post.StatusCode, Is.EqualTo(400));
        Assert.That(_host.Monitor.GetInFlightReconciliations().Select(r => r.Party), Does.Contain(DashboardHost.PartyB));
    }

    [Test]
    public async Task PartiesPage_NarrowWindow_ShowsEachRowAsALabelledCard()
    {
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyC]);
        await _host.WaitForStatusAsync(DashboardHost.PartyC, s => s.LastReconciliationStatus == ReconciliationState.Failed);
        await _page.SetViewportSizeAsync(390, 844);

        await _page.GotoAsync(_host.Dashboard + "/parties");

        var width = await _page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.That(width, Is.LessThanOrEqualTo(390), "the page scrolls sideways in a narrow window");
        var display = await _page.Locator("#parties-table thead").EvaluateAsync<string>("e => getComputedStyle(e).position");
        Assert.That(display, Is.EqualTo("absolute"), "the header row is visually hidden; each cell carries its label");
        await Screenshots.SaveAsync(_page, "parties-narrow");
    }

    [Test]
    public async Task DownloadDump_FromThePageWithARunInFlight_SendsTheZipWithTheRun()
    {
        _host.StallPartyB();
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        await DashboardHost.WaitUntilAsync(() => _host.Monitor.GetInFlightReconciliations().Any(r => r.WaitingOn == RunWaitReason.PeerMessage), "the run never waited on B");
        var runId = _host.Monitor.GetInFlightReconciliations().Single().RunId;
        await _page.GotoAsync(_host.Dashboard.ToString());

        var download = await _page.RunAndWaitForDownloadAsync(() => _page.GetByRole(AriaRole.Button, new() { Name = "Download in-flight dump" }).ClickAsync());

        Assert.That(download.SuggestedFilename, Does.Match("^checkpoints_dump-[0-9]{8}-[0-9]{6}\\.zip$"));
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dump-" + Guid.NewGuid().ToString("N") + ".zip");
        await download.SaveAsAsync(file);
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(file);
            Assert.That(zip.Entries.Select(e => e.FullName), Is.EqualTo(new[] { $"{FlowNames.ReconcileWithParty}-{runId}.json" }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task EveryPage_CheckedWithAxe_HasNoWcagAViolations()
    {
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        await _host.WaitForStatusAsync(DashboardHost.PartyB, s => s.LastReconciliationStatus == ReconciliationState.DifferencesFound);
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyC]);
        await _host.WaitForStatusAsync(DashboardHost.PartyC, s => s.LastReconciliationStatus == ReconciliationState.Failed);
        _host.StallPartyB();
        await _host.Flows.ScheduleReconciliationAsync([DashboardHost.PartyB]);
        await DashboardHost.WaitUntilAsync(() => _host.Monitor.GetInFlightReconciliations().Any(), "no run in flight");
        var options = new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        };

        foreach (var path in (string[])["", "/parties", "/party?name=" + Uri.EscapeDataString(DashboardHost.PartyB.ToString()), "/live"])
        {
            foreach (var width in (int[])[1280, 390])
            {
                await _page.SetViewportSizeAsync(width, 900);
                await _page.GotoAsync(_host.Dashboard + path);
                var result = await Deque.AxeCore.Playwright.PageExtensions.RunAxe(_page, options);
                Assert.That(
                    result.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})"),
                    Is.Empty,
                    $"{path} at {width} px");
                Assert.That(result.Passes, Is.Not.Empty, "axe checked nothing");
            }
        }
    }

    [Test]
    public async Task Keyboard_TabFromTheTop_ReachesTheSkipLinkThenTheNavigation()
    {
        await _page.GotoAsync(_host.Dashboard + "/parties");

        await _page.Keyboard.PressAsync("Tab");
        Assert.That(await _page.EvaluateAsync<string>("() => document.activeElement.textContent"), Is.EqualTo("Skip to content"));
        await _page.Keyboard.PressAsync("Enter");
        await _page.Keyboard.PressAsync("Tab");
        Assert.That(await _page.EvaluateAsync<string>("() => document.activeElement.id"), Is.EqualTo("filter-status"), "after the skip link, focus moves into the page's content");
    }

    private static async Task<IReadOnlyList<Guid>> RunIdsAsync(ILocator rows)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            ids.Add(Guid.Parse((await rows.Nth(i).GetAttributeAsync("data-run-id"))!));
        }

        return ids;
    }

    private async Task<int> MetricAsync(string name) =>
        int.Parse(await _page.GetByTestId("metric-" + name).InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<IBrowserContext> NewContextAsync(bool authenticated)
    {
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
            Locale = "en-GB",
        };
        var context = await _browser.NewContextAsync(options);
        if (authenticated)
        {
            await context.AddCookiesAsync([new Cookie { Name = HeaderAuthenticationHandler.CookieName, Value = DashboardHost.Operator, Url = _host.Root.ToString() }]);
        }

        return context;
    }

    private static async Task<string> CaptureMessageAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (LedgerSyncException e)
        {
            return e.Message;
        }

        Assert.Fail("the flow did not refuse");
        return string.Empty;
    }
}
