using LedgerSync.Protocol;

namespace LedgerSync.Tests.Protocol;

/// <summary>An admission whose pool is always full.</summary>
internal sealed class FullAdmission : IIncomingReconciliationAdmission
{
    public ValueTask<IIncomingReconciliation?> TryAdmitAsync(PartyName requester, CancellationToken cancellationToken) => ValueTask.FromResult<IIncomingReconciliation?>(null);
}
