using LedgerSync.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace LedgerSync.Scheduling;

/// <summary>
/// Resolves the protocol's initiator on first use. The scheduler is also the responder's admission, and a transport
/// may resolve the responder while it is being built; taking the initiator eagerly would close the cycle
/// transport → responder → scheduler → initiator → transport.
/// </summary>
internal sealed class DeferredReconciliationInitiator(IServiceProvider services) : IReconciliationInitiator
{
    private IReconciliationInitiator? _initiator;

    public Task<ReconciliationResult> ReconcileAsync(ReconciliationRequest request, CancellationToken cancellationToken)
    {
        var initiator = _initiator ??= services.GetRequiredService<IReconciliationInitiator>();
        return initiator.ReconcileAsync(request, cancellationToken);
    }
}
