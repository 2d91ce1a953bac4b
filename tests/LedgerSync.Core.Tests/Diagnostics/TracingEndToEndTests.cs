using System.Collections.Immutable;
using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LedgerSync.Tests.Diagnostics;

/// <summary>
/// Two nodes built with <c>AddLedgerSync()</c> on one in-memory network (which carries nothing of the requester's
/// execution context to the responder), traced by an OpenTelemetry tracer provider with the in-memory exporter.
/// </summary>
public sealed class TracingEndToEndTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=Ottawa, C=CA");
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(60);

    private InMemoryNetwork _network = null!;
    private List<Activity> _exported = null!;
    private TracerProvider _tracing = null!;

    [SetUp]
    public void SetUp()
    {
        Activity.Current = null;
        _network = new InMemoryNetwork(TimeProvider.System);
        _exported = [];
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(LedgerSyncTelemetry.ActivitySourceName)
            .AddInMemoryExporter(_exported)
            .Build();
    }

    [TearDown]
    public async Task TearDown()
    {
        _tracing.Dispose();
        await _network.DisposeAsync();
    }

    [Test]
    public async Task ScheduledRun_TwoNodes_OneTraceWithTheRespondersSpanUnderTheRequestersAndLogsCarryingIt()
    {
        var random = new Random(21);
        var shared = Enumerable.Range(0, 200).Select(_ => Transaction(random)).ToList();
        var onlyB = Enumerable.Range(0, 25).Select(_ => Transaction(random)).ToList();
        var (hostA, logsA) = BuildNode(PartyA, shared);
        var (hostB, logsB) = BuildNode(PartyB, shared.Concat(onlyB));
        using var a = hostA;
        using var b = hostB;
        await a.StartAsync();
        await b.StartAsync();
        await a.Services.GetRequiredService<ILedgerGraph>().WhenInitializedAsync();
        await b.Services.GetRequiredService<ILedgerGraph>().WhenInitializedAsync();

        await a.Services.GetRequiredService<ReconciliationFlows>().ScheduleReconciliationAsync([PartyB]);

        Assert.That(await WaitForAsync(() => RunSpans().Count(s => Role(s) == "responder") == 1 && RunSpans().Count(s => Role(s) == "requester") == 1),
            Is.True, "both run spans should be exported");
        var requester = RunSpans().Single(s => Role(s) == "requester");
        var responder = RunSpans().Single(s => Role(s) == "responder");

        Assert.That(requester.GetTagItem(LedgerSyncTelemetry.OutcomeTag), Is.EqualTo("DIFFERENCES_FOUND"));
        Assert.That(requester.GetTagItem(LedgerSyncTelemetry.DifferencesTag), Is.EqualTo(onlyB.Count));
        Assert.That(responder.TraceId, Is.EqualTo(requester.TraceId), "one trace across the two nodes");
        Assert.That(responder.ParentSpanId, Is.EqualTo(requester.SpanId), "the responder's run span is a child of the requester's");
        Assert.That(responder.Kind, Is.EqualTo(ActivityKind.Server));
        var exchanges = Snapshot().Where(s => s.DisplayName == $"{FlowNames.ReconcileWithParty} exchange").ToList();
        Assert.That(exchanges.Where(e => e.ParentSpanId == requester.SpanId), Is.Not.Empty, "the requester's exchanges are children of its run span");
        Assert.That(exchanges.Select(e => e.TraceId), Is.All.EqualTo(requester.TraceId));

        // Lines logged during each run carry its span (the logger factory's ActivityTrackingOptions add the IDs).
        var finished = logsA.GetSnapshot().Single(r => r.Id.Id == LedgerSyncEventId.RequesterRunFinished);
        Assert.That(SpanScope(finished), Is.EqualTo((requester.TraceId.ToHexString(), requester.SpanId.ToHexString())));
        var answered = logsB.GetSnapshot().Single(r => r.Id.Id == LedgerSyncEventId.ResponderAnswered);
        Assert.That(SpanScope(answered), Is.EqualTo((requester.TraceId.ToHexString(), responder.SpanId.ToHexString())));
    }

    private List<Activity> Snapshot()
    {
        lock (_exported)
        {
            return [.. _exported];
        }
    }

    private List<Activity> RunSpans() => [.. Snapshot().Where(s => s.DisplayName == FlowNames.ReconcileWithParty)];

    private static string? Role(Activity span) => (string?)span.GetTagItem(LedgerSyncTelemetry.RoleTag);

    private static (string? TraceId, string? SpanId) SpanScope(FakeLogRecord record)
    {
        var values = record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(s => s).ToList();
        return (values.LastOrDefault(v => v.Key == "TraceId").Value?.ToString(), values.LastOrDefault(v => v.Key == "SpanId").Value?.ToString());
    }

    private static TransactionMetadata Transaction(Random random) =>
        new(TransactionId.Random(random), [], ImmutableArray.Create(PartyA, PartyB));

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RealTimeout);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    private (IHost Host, FakeLogCollector Logs) BuildNode(PartyName party, IEnumerable<TransactionMetadata> transactions)
    {
        var logs = new FakeLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(l => l
            .Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId)
            .SetMinimumLevel(LogLevel.Debug)
            .AddProvider(logs));
        builder.Services.AddMetrics();
        builder.Services.AddLedgerSync(o => o.LocalParty = party)
            .UseTransactionSource(new InMemoryTransactionSource(transactions))
            .UsePeerTransport(_ => _network.CreateTransport(party));
        var host = builder.Build();
        _network.Register(party, host.Services.GetRequiredService<IInboundSessionHandler>());
        return (host, logs.Collector);
    }
}
