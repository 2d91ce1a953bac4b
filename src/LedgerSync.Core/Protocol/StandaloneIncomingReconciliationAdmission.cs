using LedgerSync.Diagnostics;
using Microsoft.Extensions.Options;

namespace LedgerSync.Protocol;

/// <summary>
/// The admission the protocol uses when no scheduler replaces it: a pool of
/// <see cref="LedgerSyncOptions.MaxNumberOfParallelReconciliationRequests"/> slots for incoming runs that records
/// runs in the <see cref="ReconciliationRunRegistry"/> only (no status store).
/// </summary>
internal sealed class StandaloneIncomingReconciliationAdmission(IOptions<LedgerSyncOptions> options, ReconciliationRunRegistry registry)
    : IIncomingReconciliationAdmission, IDisposable
{
    private readonly SemaphoreSlim _pool = new(options.Value.MaxNumberOfParallelReconciliationRequests);

    public ValueTask<IIncomingReconciliation?> TryAdmitAsync(PartyName requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!_pool.Wait(0, cancellationToken))
        {
            return ValueTask.FromResult<IIncomingReconciliation?>(null);
        }

        var runId = Guid.NewGuid();
        var tracker = registry.Start(runId, FlowNames.ReconcileWithParty, requester, ReconciliationRole.Responder);
        return ValueTask.FromResult<IIncomingReconciliation?>(new Admitted(this, runId, tracker));
    }

    public void Dispose() => _pool.Dispose();

    private sealed class Admitted(StandaloneIncomingReconciliationAdmission owner, Guid runId, RunTracker tracker) : IIncomingReconciliation
    {
        private int _released;

        public Guid RunId { get; } = runId;

        public RunTracker Tracker { get; } = tracker;

        public CancellationToken Stopping => CancellationToken.None;

        public ValueTask CompleteAsync(ReconciliationState state, string? errorMessage, CancellationToken cancellationToken)
        {
            Tracker.End(state, 0, state == ReconciliationState.Failed ? errorMessage ?? "the run failed" : null);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Tracker.Dispose();
                owner._pool.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
