using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Protocol;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using LedgerSync.Transport;

namespace LedgerSync.Testing.Scheduling;

/// <summary>A scheduler wired to fakes (initiator, ledger graph, clock) over the given stores, for tests and benchmarks.</summary>
internal sealed class SchedulerTestHost : IAsyncDisposable
{
    /// <summary>Where the fake clock starts: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public SchedulerTestHost(
        IStatusStore? statusStore = null,
        IReconciliationJobStore? jobStore = null,
        Microsoft.Extensions.Time.Testing.FakeTimeProvider? time = null,
        Action<LedgerSyncOptions>? configure = null,
        FakeReconciliationInitiator? initiator = null,
        FakeLedgerGraph? graph = null,
        TimeProvider? clock = null,
        IPeerTransport? transport = null)
    {
        Time = time ?? new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Epoch);
        StatusStore = statusStore ?? new InMemoryStatusStore();
        JobStore = jobStore ?? new InMemoryReconciliationJobStore();
        JobQueries = (IReconciliationJobQueries)JobStore;
        Initiator = initiator ?? new FakeReconciliationInitiator();
        Graph = graph ?? new FakeLedgerGraph();
        Options = new LedgerSyncOptions
        {
            LocalParty = TestParties.Local,
            MaxNumberOfParallelReconciliationRequests = 3,
            RetryInitialDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = TimeSpan.FromSeconds(8),
            MaxReconciliationRetryAttemptTimeout = TimeSpan.FromMinutes(1),
            RunLeaseDuration = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(Options);
        Registry = new ReconciliationRunRegistry(clock ?? Time);
        Scheduler = ReconciliationScheduler.Create(
            Initiator,
            StatusStore,
            JobStore,
            JobQueries,
            Graph,
            Registry,
            Microsoft.Extensions.Options.Options.Create(Options),
            clock ?? Time,
            logger: null,
            new Random(42),
            transport);
        Flows = new ReconciliationFlows(Scheduler, StatusStore, Graph);
        Monitor = new ReconciliationMonitor(Registry, StatusStore, Graph, JobQueries, Scheduler);
    }

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; }

    public IStatusStore StatusStore { get; }

    public IReconciliationJobStore JobStore { get; }

    public IReconciliationJobQueries JobQueries { get; }

    public FakeReconciliationInitiator Initiator { get; }

    public FakeLedgerGraph Graph { get; }

    public LedgerSyncOptions Options { get; }

    public ReconciliationRunRegistry Registry { get; }

    public ReconciliationScheduler Scheduler { get; }

    public IIncomingReconciliationAdmission Admission => Scheduler.Admission;

    public ReconciliationFlows Flows { get; }

    public ReconciliationMonitor Monitor { get; }

    public async Task<ReconciliationStatus?> StatusAsync(PartyName party, bool isRequester = true) =>
        await StatusStore.GetAsync(party, isRequester).ConfigureAwait(false);

    public async Task<bool> HasStateAsync(PartyName party, ReconciliationState state, bool isRequester = true) =>
        (await StatusAsync(party, isRequester).ConfigureAwait(false))?.LastReconciliationStatus == state;

    public ValueTask DisposeAsync() => Scheduler.DisposeAsync();
}
