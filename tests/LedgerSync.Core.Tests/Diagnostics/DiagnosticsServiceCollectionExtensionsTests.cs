using System.Diagnostics.Metrics;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class DiagnosticsServiceCollectionExtensionsTests
{
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new FakeTimeProvider();

    [Test]
    public void AddLedgerSync_CalledTwice_RegistersDiagnosticsOnce()
    {
        var services = new ServiceCollection();

        services.AddLedgerSync();
        services.AddLedgerSync();

        Assert.That(services.Count(d => d.ServiceType == typeof(ReconciliationRunRegistry)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(LedgerSyncMetrics)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.ReturnType == typeof(StuckSessionMonitor)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ImplementationType == typeof(DiagnosticsInstrumentationService)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(RunTelemetryListener)), Is.EqualTo(2)); // the metrics and the recovery worker
    }

    [Test]
    public void Registry_Resolved_ItsCompositeFansOutToTheSpansTheMetricsAndTheRecoveryWorker()
    {
        using var provider = CreateServices().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var telemetry = provider.GetRequiredService<ReconciliationRunRegistry>().Telemetry;

        Assert.That(telemetry, Is.TypeOf<CompositeRunTelemetryListener>());
        Assert.That(
            ((CompositeRunTelemetryListener)telemetry).Listeners.Select(l => l.GetType().Name),
            Is.EqualTo(new[] { nameof(TracingTelemetryListener), nameof(MetricsTelemetryListener), "RecoveryWorkerTelemetryListener" }));
    }

    [Test]
    public void Registry_TimeProviderRegistered_UsesIt()
    {
        using var provider = CreateServices().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var run = provider.GetRequiredService<ReconciliationRunRegistry>().Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyB, ReconciliationRole.Requester);

        Assert.That(run.Started, Is.EqualTo(_time.GetUtcNow()));
    }

    [Test]
    public void LedgerSyncMetrics_MeterFactoryRegistered_CreatesTheMeterThroughIt()
    {
        using var provider = CreateServices().AddMetrics().BuildServiceProvider();

        var metrics = provider.GetRequiredService<LedgerSyncMetrics>();

        Assert.That(metrics.Meter.Name, Is.EqualTo(LedgerSyncTelemetry.MeterName));
        Assert.That(metrics.Meter.Scope, Is.SameAs(provider.GetRequiredService<IMeterFactory>()));
    }

    [Test]
    public void LedgerSyncMetrics_NoMeterFactory_CreatesItsOwnMeter()
    {
        using var provider = CreateServices().BuildServiceProvider();

        var metrics = provider.GetRequiredService<LedgerSyncMetrics>();

        Assert.That(metrics.Meter.Name, Is.EqualTo(LedgerSyncTelemetry.MeterName));
        Assert.That(metrics.Meter.Scope, Is.Null);
    }

    [Test]
    public async Task Host_Started_MetricsCountRunsAndHealthCheckResolves()
    {
        var builder = Host.CreateApplicationBuilder();
        AddPlugIns(builder.Services);
        builder.Services.AddLedgerSync(o => o.LocalParty = PartyC);
        builder.Services.AddHealthChecks().AddCheck<LedgerSyncHealthCheck>(LedgerSyncHealthCheck.DefaultName);
        using var host = builder.Build();
        var ended = 0L;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == host.Services.GetRequiredService<IMeterFactory>() && instrument.Name == LedgerSyncTelemetry.RunsInstrument)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref ended, value));
        listener.Start();

        await host.StartAsync();
        host.Services.GetRequiredService<ReconciliationRunRegistry>()
            .Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyB, ReconciliationRole.Requester)
            .End(ReconciliationState.DifferencesNotFound);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.That(Interlocked.Read(ref ended), Is.EqualTo(1));
        Assert.That(report.Entries[LedgerSyncHealthCheck.DefaultName].Status, Is.EqualTo(HealthStatus.Healthy));
    }

    private ServiceCollection CreateServices()
    {
        var services = new ServiceCollection();
        AddPlugIns(services);
        services.AddLogging();
        services.AddLedgerSync(o => o.LocalParty = PartyC);
        return services;
    }

    private void AddPlugIns(IServiceCollection services)
    {
        var graph = Substitute.For<ILedgerGraph>();
        graph.IsInitialized.Returns(true);
        graph.IsSelfConsistent.Returns(true);
        graph.Errors.Returns([]);
        var store = Substitute.For<IStatusStore>();
        store.QueryAsync(default!, default).ReturnsForAnyArgs(Task.FromResult<IReadOnlyList<ReconciliationStatus>>([]));
        store.CountByLastStateAsync(default, default).ReturnsForAnyArgs(Task.FromResult<IReadOnlyDictionary<ReconciliationState, int>>(new Dictionary<ReconciliationState, int>()));
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(graph);
        services.AddSingleton(store);
    }
}
