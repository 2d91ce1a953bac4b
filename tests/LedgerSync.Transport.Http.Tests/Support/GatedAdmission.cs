using LedgerSync.Protocol;

namespace LedgerSync.Tests.Support;

/// <summary>Holds the first admitted runs until the expected number of others were refused as busy.</summary>
internal sealed class GatedAdmission(int admittedToHold, int refusalsBeforeRelease)
{
    private readonly int _admittedToHold = admittedToHold;
    private readonly int _refusalsBeforeRelease = refusalsBeforeRelease;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _admitted;
    private int _refused;

    public int Admitted => Volatile.Read(ref _admitted);

    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Lets the held admitted runs go on.</summary>
    public void Release() => _release.TrySetResult();

    public IIncomingReconciliationAdmission Wrap(IIncomingReconciliationAdmission inner) => new Gate(this, inner);

    private sealed class Gate(GatedAdmission owner, IIncomingReconciliationAdmission inner) : IIncomingReconciliationAdmission
    {
        public async ValueTask<IIncomingReconciliation?> TryAdmitAsync(PartyName requester, CancellationToken cancellationToken)
        {
            var admitted = await inner.TryAdmitAsync(requester, cancellationToken);
            if (admitted is null)
            {
                if (Interlocked.Increment(ref owner._refused) == owner._refusalsBeforeRelease)
                {
                    owner._release.TrySetResult();
                }
            }
            else if (Interlocked.Increment(ref owner._admitted) <= owner._admittedToHold)
            {
                await owner._release.Task.WaitAsync(cancellationToken);
            }

            return admitted;
        }
    }
}
