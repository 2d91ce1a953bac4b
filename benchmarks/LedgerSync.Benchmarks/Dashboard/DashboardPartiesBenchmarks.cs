using System.Net;
using BenchmarkDotNet.Attributes;
using LedgerSync.Dashboard.Data;
using LedgerSync.Dashboard.Pages;
using LedgerSync.Dashboard.Rendering;
using LedgerSync.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Benchmarks.Dashboard;

/// <summary>
/// The dashboard's parties page with N parties, each with a status row in both roles (2·N rows; a tenth failed with an
/// error, a third with 10 differences), from the in-memory status store. <c>Render</c> is the server's work for the
/// page (query through the flows, sort, HTML-encode, build); <c>Request</c> is one whole GET over loopback HTTP to a
/// Kestrel host (routing, antiforgery token, 2·N rows sent and read by the client). Target: under 300 ms at N = 1 000.
/// </summary>
[MemoryDiagnoser]
public class DashboardPartiesBenchmarks : IAsyncDisposable
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private LedgerSyncNodeReader _reader = null!;
    private PageContext _context = null!;

    /// <summary>The number of parties (each with two rows).</summary>
    [Params(100, 1000)]
    public int Parties { get; set; } = 1000;

    [GlobalSetup]
    public async Task GlobalSetup()
    {
        var self = PartyName.Parse("O=Bench Node, L=London, C=GB");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddLedgerSync(o => o.LocalParty = self);
        builder.Services.AddLedgerSyncDashboard(o => o.AllowAnonymous = true);
        _app = builder.Build();
        _app.MapLedgerSyncDashboard("/ledgersync");
        await _app.StartAsync();

        var store = _app.Services.GetRequiredService<IStatusStore>();
        var random = new Random(1000);
        var start = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < Parties; i++)
        {
            var party = PartyName.Parse($"O=Counterparty {i:D4} & Co, L=City {i % 97}, C=GB");
            foreach (var isRequester in (bool[])[true, false])
            {
                var runId = Guid.NewGuid();
                var started = start.AddSeconds(i);
                await new ReconciliationStatusRecorder(store).RecordStartedAsync(party, isRequester, runId, started);
                if (i % 10 == 0)
                {
                    await new ReconciliationStatusRecorder(store).RecordFinishedAsync(new ReconciliationRunEnd(party, isRequester, runId, ReconciliationState.Failed, started.AddSeconds(3), null, $"{party} is not reachable: the connection was refused <after 3 attempts>."));
                }
                else if (i % 3 == 0)
                {
                    var ids = Enumerable.Range(0, 10).Select(_ => TransactionId.Random(random)).ToList();
                    await new ReconciliationStatusRecorder(store).RecordFinishedAsync(new ReconciliationRunEnd(party, isRequester, runId, ReconciliationState.DifferencesFound, started.AddSeconds(2), ids, null));
                }
                else
                {
                    await new ReconciliationStatusRecorder(store).RecordFinishedAsync(new ReconciliationRunEnd(party, isRequester, runId, ReconciliationState.DifferencesNotFound, started.AddSeconds(1), [], null));
                }
            }
        }

        _reader = _app.Services.GetRequiredService<LedgerSyncNodeReader>();
        _context = new PageContext("/ledgersync", "LedgerSync", self.ToString(), "__RequestVerificationToken", new string('x', 150), 1000, 100, 20);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
        var rows = (await _reader.GetPartiesAsync(PartiesFilter.All, CancellationToken.None)).Count;
        if (rows != 2 * Parties)
        {
            throw new InvalidOperationException($"Expected {2 * Parties} rows, read {rows}.");
        }
    }

    /// <summary>Query, sort and render the page (the server's work).</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> Render()
    {
        var rows = await _reader.GetPartiesAsync(PartiesFilter.All, CancellationToken.None);
        return PartiesPage.Render(_context, PartiesFilter.All, rows).Length;
    }

    /// <summary>One whole GET of the page over loopback HTTP.</summary>
    [Benchmark]
    public async Task<int> Request()
    {
        var body = await _client.GetStringAsync("ledgersync/parties");
        return body.Length;
    }

    [GlobalCleanup]
    public async Task GlobalCleanup() => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null!;
        }
    }
}
