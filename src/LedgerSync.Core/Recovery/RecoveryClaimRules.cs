namespace LedgerSync.Recovery;

/// <summary>Argument checks shared by every <see cref="IRecoveryClaim"/> implementation.</summary>
public static class RecoveryClaimRules
{
    /// <summary>Checks the arguments of <see cref="IRecoveryClaim.FinishAsync"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="state"/> is not <see cref="RecoveryState.Finished"/> or <see cref="RecoveryState.Failed"/>, or a failure has no error.</exception>
    public static void CheckFinish(RecoveryState state, string? failure)
    {
        if (state is not (RecoveryState.Finished or RecoveryState.Failed))
        {
            throw new ArgumentException($"A worker ends a recovery as {RecoveryStateNames.Finished} or {RecoveryStateNames.Failed}, not {state.ToName()}.", nameof(state));
        }

        if (state == RecoveryState.Failed && string.IsNullOrWhiteSpace(failure))
        {
            throw new ArgumentException("A failed recovery needs an error text.", nameof(failure));
        }
    }
}
