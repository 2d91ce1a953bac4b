namespace LedgerSync.Recovery;

/// <summary>
/// A claimed recovery, held by one worker while it runs. Every method is one atomic, conditional step on the store
/// and returns <see langword="false"/> when the claim no longer holds: its lease expired and another worker took the
/// recovery over, or an operator stopped it. The worker then stops at once.
/// </summary>
public interface IRecoveryClaim
{
    /// <summary>The recovery as claimed (state <see cref="RecoveryState.InProgress"/>).</summary>
    RecoveryStatus Recovery { get; }

    /// <summary>Extends the lease to <paramref name="leaseUntil"/>.</summary>
    Task<bool> RenewAsync(DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records outcomes, in one step: each item of <paramref name="outcomes"/> (matched by
    /// <see cref="RecoveryItem.TransactionId"/>) that is still <see cref="RecoveryItemOutcome.Pending"/> takes its
    /// outcome, reason, bytes and completion time, and the recovery's counts and <see cref="RecoveryStatus.BytesRecovered"/>
    /// grow by what changed. An item that already has an outcome keeps it (recording twice counts once); an item
    /// recorded as pending, or an ID the recovery does not have, changes nothing. <see cref="RecoveryStatus.UpdatedAt"/>
    /// becomes <paramref name="now"/>.
    /// </summary>
    Task<bool> RecordAsync(IReadOnlyList<RecoveryItem> outcomes, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the recovery as <paramref name="state"/> (<see cref="RecoveryState.Finished"/> or
    /// <see cref="RecoveryState.Failed"/>) at <paramref name="now"/> with <paramref name="failure"/> as its error (required for failed),
    /// owner and lease cleared.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="state"/> is not an end a worker may write, or a failure has no error.</exception>
    Task<bool> FinishAsync(RecoveryState state, string? failure, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Gives the recovery back (the node is shutting down): queued again, owner and lease cleared, outcomes kept.</summary>
    Task<bool> ReleaseAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
