using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Status;
using LedgerSync.Testing;
using NSubstitute;
using LedgerSync.Testing.Diagnostics;

namespace LedgerSync.Tests.Diagnostics;

/// <summary>A registry on a fake clock, a status store over a list of rows, and a ledger graph substitute.</summary>
internal sealed class DiagnosticsTestContext
{
    public static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=London, C=GB");
    public static readonly PartyName PartyC = PartyName.Parse("O=PartyC, L=Ottawa, C=CA");
    public static readonly PartyName PartyD = PartyName.Parse("O=PartyD, L=Paris, C=FR");
    public static readonly PartyName PartyE = PartyName.Parse("O=PartyE, L=Berlin, C=DE");

    public DiagnosticsTestContext()
    {
        Registry = Telemetry.CreateRegistry(Time);
        StatusStore.QueryAsync(Arg.Any<StatusQuery>(), Arg.Any<CancellationToken>())
            .Returns(call => StoreFailure is { } failure
                ? Task.FromException<IReadOnlyList<ReconciliationStatus>>(failure)
                : Task.FromResult<IReadOnlyList<ReconciliationStatus>>([.. Rows.Where(r => call.ArgAt<StatusQuery>(0).Matches(r))]));
        StatusStore.CountByLastStateAsync(Arg.Any<bool>(), Arg.Any<CancellationToken>())
            .Returns(call => StoreFailure is { } failure
                ? Task.FromException<IReadOnlyDictionary<ReconciliationState, int>>(failure)
                : Task.FromResult<IReadOnlyDictionary<ReconciliationState, int>>(Rows
                    .Where(r => r.IsRequester == call.ArgAt<bool>(0) && r.LastReconciliationStatus is not null)
                    .GroupBy(r => r.LastReconciliationStatus!.Value)
                    .ToDictionary(g => g.Key, g => g.Count())));
        StatusStore.GetAsync(Arg.Any<PartyName>(), Arg.Any<bool>(), Arg.Any<CancellationToken>())
            .Returns(call => Task.FromResult(Rows.FirstOrDefault(r => r.PartyName == call.ArgAt<PartyName>(0) && r.IsRequester == call.ArgAt<bool>(1))));
        LedgerGraph.IsInitialized.Returns(true);
        LedgerGraph.IsSelfConsistent.Returns(true);
        LedgerGraph.Errors.Returns([]);
        LedgerGraph.Count.Returns(1234L);
        Monitor = new ReconciliationMonitor(Registry, StatusStore, LedgerGraph);
    }

    /// <summary>Where the fake clock starts (the dump file names in the tests are derived from it).</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TimerObservingTimeProvider Time { get; } = new(Start);

    /// <summary>Receives the registry's run events; tests add listeners and handlers to it.</summary>
    public RunTelemetryProbe Telemetry { get; } = new();

    public ReconciliationRunRegistry Registry { get; }

    public IStatusStore StatusStore { get; } = Substitute.For<IStatusStore>();

    public ILedgerGraph LedgerGraph { get; } = Substitute.For<ILedgerGraph>();

    public List<ReconciliationStatus> Rows { get; } = [];

    /// <summary>When set, status store queries fail with it.</summary>
    public Exception? StoreFailure { get; set; }

    public ReconciliationMonitor Monitor { get; }

    public void AddRow(PartyName party, ReconciliationState state, bool isRequester = true) =>
        Rows.Add(new ReconciliationStatus
        {
            PartyName = party,
            IsRequester = isRequester,
            StateMachineRunId = Guid.NewGuid(),
            LastReconciliationTimeStarted = Time.GetUtcNow(),
            LastReconciliationStatus = state,
            LastReconciliationError = state == ReconciliationState.Failed ? "peer went away" : null,
        });

    public RunTracker StartRun(PartyName party, ReconciliationRole role = ReconciliationRole.Requester, RunWaitReason waitingOn = RunWaitReason.None)
    {
        var tracker = Registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, party, role);
        tracker.WaitingOn(waitingOn);
        return tracker;
    }

    /// <summary>
    /// A requester run with <paramref name="party"/> held mid-exchange: queued 5 s, then one exchange (1200 bytes out,
    /// 3000 in), then a second request (48000 bytes) whose answer it has awaited for <paramref name="waitSeconds"/> s.
    /// </summary>
    public RunTracker StartRunHeldMidExchange(PartyName party, int waitSeconds)
    {
        var tracker = StartRun(party, waitingOn: RunWaitReason.PoolSlot);
        Time.Advance(TimeSpan.FromSeconds(5));
        tracker.WaitingOn(RunWaitReason.None);
        tracker.Stage("hello sent");
        tracker.AddBytesSent(1200);
        tracker.WaitingOn(RunWaitReason.PeerMessage);
        Time.Advance(TimeSpan.FromSeconds(1));
        tracker.AddBytesReceived(3000);
        tracker.WaitingOn(RunWaitReason.None);
        tracker.ExchangeCompleted();
        tracker.Stage("symbols 0..1500 sent");
        tracker.AddBytesSent(48000);
        tracker.WaitingOn(RunWaitReason.PeerMessage);
        Time.Advance(TimeSpan.FromSeconds(waitSeconds));
        return tracker;
    }
}
