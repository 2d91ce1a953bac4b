using LedgerSync.Diagnostics;
using LedgerSync.Testing.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class CompositeRunTelemetryListenerTests
{
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new FakeTimeProvider();

    [Test]
    public void Write_SubscriberThrows_LogsItAndTheRunAndTheNextSubscriberGoOn()
    {
        using var factory = FakeLogs.CreateFactory(out var logs);
        var recorder = new Recorder();
        var composite = new CompositeRunTelemetryListener(() => [new Throwing(), recorder], factory.CreateLogger<CompositeRunTelemetryListener>());
        var registry = new ReconciliationRunRegistry(_time, composite);

        var run = registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyB, ReconciliationRole.Requester);
        run.AddBytesSent(100);
        run.End(ReconciliationState.DifferencesFound, differences: 3);

        Assert.That(recorder.Events, Is.EqualTo(new object[]
        {
            new RunStartedArguments(run.Started),
            new BytesTransferredArguments(100, Sent: true),
            new RunEndedArguments(ReconciliationState.DifferencesFound, 3, null, _time.GetUtcNow()),
        }));
        Assert.That(run.HasEnded, Is.True);
        Assert.That(registry.Count, Is.Zero);
        var failures = logs.WithEventId(LedgerSyncEventId.TelemetryListenerFailed);
        Assert.That(failures, Has.Count.EqualTo(3));
        Assert.That(failures.Select(f => f.Level), Is.All.EqualTo(LogLevel.Warning));
        Assert.That(failures[2].Message, Does.Contain(nameof(Throwing)).And.Contain(nameof(RunEndedArguments)).And.Contain(run.RunId.ToString()));
        Assert.That(failures[2].Exception, Is.TypeOf<InvalidOperationException>());
    }

    [Test]
    public void EnsureSubscribers_BeforeAndAfterEvents_ResolvesTheSubscribersOnceOnTheFirstEvent()
    {
        var resolved = 0;
        var recorder = new Recorder();
        var composite = new CompositeRunTelemetryListener(() =>
        {
            resolved++;
            return [recorder];
        });
        var registry = new ReconciliationRunRegistry(_time, composite);
        var resolvedAtConstruction = resolved;

        registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyB, ReconciliationRole.Requester).End(ReconciliationState.DifferencesNotFound);
        registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyC, ReconciliationRole.Responder).End(ReconciliationState.DifferencesNotFound);
        composite.EnsureSubscribers();

        Assert.That(resolvedAtConstruction, Is.Zero);
        Assert.That(resolved, Is.EqualTo(1));
        Assert.That(recorder.Events.OfType<RunEndedArguments>().Count(), Is.EqualTo(2));
    }

    [Test]
    public void Listeners_SubscribersIncludeTheSpans_SpansFirstAndOnlyOnce()
    {
        var recorder = new Recorder();
        var composite = new CompositeRunTelemetryListener(() => [recorder, TracingTelemetryListener.Instance]);

        Assert.That(composite.Listeners, Is.EqualTo(new RunTelemetryListener[] { TracingTelemetryListener.Instance, recorder }));
    }

    [Test]
    public void Write_SubscribersCannotBeCreated_LogsOnceAndRunsStillEnd()
    {
        using var factory = FakeLogs.CreateFactory(out var logs);
        var composite = new CompositeRunTelemetryListener(() => throw new InvalidOperationException("no meter"), factory.CreateLogger<CompositeRunTelemetryListener>());
        var registry = new ReconciliationRunRegistry(_time, composite);

        var first = registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyB, ReconciliationRole.Requester);
        first.End(ReconciliationState.Failed, error: "peer went away");
        var second = registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyC, ReconciliationRole.Requester);
        second.End(ReconciliationState.DifferencesNotFound);

        Assert.That(logs.WithEventId(LedgerSyncEventId.TelemetryListenersUnavailable), Has.Count.EqualTo(1));
        Assert.That(composite.Listeners, Is.EqualTo(new RunTelemetryListener[] { TracingTelemetryListener.Instance }));
        Assert.That(first.HasEnded && second.HasEnded, Is.True);
        Assert.That(registry.Count, Is.Zero);
    }

    [Test]
    public void Write_SubscriberStartsARunWhileBeingCreated_ThatRunReportsToTheSpansOnly()
    {
        ReconciliationRunRegistry registry = null!;
        var recorder = new Recorder();
        RunTracker? nested = null;
        var composite = new CompositeRunTelemetryListener(() =>
        {
            nested = registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyC, ReconciliationRole.Requester);
            return [recorder];
        });
        registry = new ReconciliationRunRegistry(_time, composite);

        var run = registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyB, ReconciliationRole.Requester);

        Assert.That(nested, Is.Not.Null);
        Assert.That(recorder.Events, Is.EqualTo(new object[] { new RunStartedArguments(run.Started) }));
    }

    /// <summary>Records every event's arguments, boxed, in order.</summary>
    private sealed class Recorder : RunTelemetryListener
    {
        public List<object> Events { get; } = [];

        public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent) => Events.Add(telemetryEvent.Arguments);
    }

    private sealed class Throwing : RunTelemetryListener
    {
        public override void Write<TArgs>(in RunTelemetryEvent<TArgs> telemetryEvent) => throw new InvalidOperationException("subscriber bug");
    }
}
