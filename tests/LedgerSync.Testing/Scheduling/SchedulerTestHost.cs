using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Testing.Scheduling;

/// <summary>A scheduler wired to fakes (initiator, ledger graph, clock) over the given stores, for tests and benchmarks.</summary>
internal sealed class SchedulerTestHost : IAsyncDisposable
{
    public SchedulerTestHost(
        IStatusStore? statusStore = null,
        IReconciliationJobStore? jobStore = null,
        FakeTimeProvider? time = null,
        Action<LedgerSyncOptions>? configure = null,
        FakeReconciliationInitiator? initiator = null,
        FakeLedgerGraph? graph = null,
        TimeProvider? clock = null)
    {
        Time = time ?? new FakeTimeProvider();
        StatusStore = statusStore ?? new InMemoryStatusStore();
        JobStore = jobStore ?? new InMemoryReconciliationJobStore();
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
        Scheduler = new ReconciliationScheduler(
            Initiator,
            StatusStore,
            JobStore,
            Graph,
            Registry,
            Microsoft.Extensions.Options.Options.Create(Options),
            clock ?? Time,
            NullLogger<ReconciliationScheduler>.Instance,
            new Random(42));
        Flows = new ReconciliationFlows(Scheduler, StatusStore, Graph);
    }

    public FakeTimeProvider Time { get; }

    public IStatusStore StatusStore { get; }

    public IReconciliationJobStore JobStore { get; }

    public FakeReconciliationInitiator Initiator { get; }

    public FakeLedgerGraph Graph { get; }

    public LedgerSyncOptions Options { get; }

    public ReconciliationRunRegistry Registry { get; }

    public ReconciliationScheduler Scheduler { get; }

    public ReconciliationFlows Flows { get; }

    public async Task<ReconciliationStatus?> StatusAsync(PartyName party, bool isRequester = true) =>
        await StatusStore.GetAsync(party, isRequester).ConfigureAwait(false);

    public async Task<bool> HasStateAsync(PartyName party, ReconciliationState state, bool isRequester = true) =>
        (await StatusAsync(party, isRequester).ConfigureAwait(false))?.LastReconciliationStatus == state;

    public ValueTask DisposeAsync() => Scheduler.DisposeAsync();
}
