using LedgerSync.Diagnostics;
using LedgerSync.Protocol;

namespace LedgerSync.Scheduling;

/// <summary>The handle the responder holds for an admitted incoming run; it owns a slot of the pool until completed or disposed.</summary>
internal sealed class IncomingReconciliation(PoolAdmission admission, ActiveRun run) : IIncomingReconciliation
{
    public Guid RunId => run.RunId;

    public RunTracker Tracker => run.Tracker;

    public CancellationToken Stopping => run.Token;

    public ValueTask CompleteAsync(ReconciliationState state, string? errorMessage, CancellationToken cancellationToken) =>
        new(admission.CompleteAsync(run, state, errorMessage, cancellationToken));

    public ValueTask DisposeAsync() =>
        new(admission.CompleteAsync(run, ReconciliationState.Failed, "the responder ended without recording an outcome", CancellationToken.None));
}
