using System.Diagnostics;

namespace LedgerSync.Protocol;

/// <summary>
/// Decides whether an incoming request may run now (implemented by the scheduler, which owns the pool; used by the
/// responder). A full pool answers <see langword="null"/>: the responder then tells the requester it is busy.
/// </summary>
internal interface IIncomingReconciliationAdmission
{
    /// <summary>Takes a pool slot for <paramref name="requester"/> and records the run as started, or returns <see langword="null"/> when the pool is full.</summary>
    ValueTask<IIncomingReconciliation?> TryAdmitAsync(PartyName requester, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="TryAdmitAsync(PartyName, CancellationToken)"/>, for a hello that carried the requester's trace
    /// context (<paramref name="remoteParent"/>, <see langword="null"/> when it did not), so the run can be traced as
    /// part of the requester's trace. Implementations that do not trace ignore it.
    /// </summary>
    ValueTask<IIncomingReconciliation?> TryAdmitAsync(PartyName requester, ActivityContext? remoteParent, CancellationToken cancellationToken) =>
        TryAdmitAsync(requester, cancellationToken);
}
