using LedgerSync.Protocol;

namespace LedgerSync.Benchmarks.Scheduling;

/// <summary>An initiator that answers at once with no differences: what is left is the scheduler's own cost.</summary>
internal sealed class ImmediateInitiator : IReconciliationInitiator
{
    private static readonly Task<ReconciliationResult> Done = Task.FromResult(new ReconciliationResult([], 0, 1, 0, 0));

    public Task<ReconciliationResult> ReconcileAsync(ReconciliationRequest request, CancellationToken cancellationToken) => Done;
}
