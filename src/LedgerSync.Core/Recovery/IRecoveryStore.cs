namespace LedgerSync.Recovery;

/// <summary>
/// Where recoveries live: one row per recovery (<see cref="RecoveryStatus"/>) and one row per requested transaction
/// (<see cref="RecoveryItem"/>). It is the durable queue of the recovery worker (add, claim, lease) and the party's
/// recovery history. A claim hands out an <see cref="IRecoveryClaim"/> through which its holder renews its lease,
/// records outcomes and ends the recovery, so no caller names an owner.
/// </summary>
/// <remarks>
/// <para>
/// Every method is one atomic step, written so a SQL store can implement it with two plain tables and conditional
/// updates (<c>UPDATE ... WHERE recovery_id = @id AND owner = @token AND state = 'IN_PROGRESS'</c>). At most one
/// recovery per party is queued or in progress at a time. Ended recoveries are kept (the history).
/// </para>
/// <para>
/// The rules of a recovery's life (what to fetch, when to give up, pacing) live in the recovery worker, not in the store.
/// The contract tests in <c>LedgerSync.Testing.Recovery.RecoveryStoreContractTests</c> are what a store must pass.
/// </para>
/// </remarks>
public interface IRecoveryStore
{
    /// <summary>
    /// Adds <paramref name="recovery"/> as <see cref="RecoveryState.Queued"/> with one pending item per ID of
    /// <paramref name="transactionIds"/> (positions 0, 1, ... in that order). Returns <see langword="false"/> (and adds
    /// nothing) when the party already has a recovery queued or in progress.
    /// </summary>
    /// <param name="recovery">The new recovery; its counts, times other than <see cref="RecoveryStatus.CreatedAt"/>, owner and lease are ignored.</param>
    /// <param name="transactionIds">The IDs to recover, distinct; their number is <see cref="RecoveryStatus.RequestedCount"/>.</param>
    /// <param name="cancellationToken">Cancels the add.</param>
    /// <exception cref="ArgumentException"><paramref name="transactionIds"/> has duplicates or does not match <see cref="RecoveryStatus.RequestedCount"/>.</exception>
    Task<bool> TryAddAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="recovery"/> already claimed, in one step (a manual import, which runs it at once instead of
    /// queuing it for the worker): as <see cref="TryAddAsync"/>, but <see cref="RecoveryState.InProgress"/> under a new
    /// owner until <paramref name="leaseUntil"/>, <see cref="RecoveryStatus.ClaimCount"/> 1 and
    /// <see cref="RecoveryStatus.StartedAt"/> <paramref name="now"/>. Returns <see langword="null"/> (and adds nothing)
    /// when the party already has a recovery queued or in progress.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="transactionIds"/> has duplicates or does not match <see cref="RecoveryStatus.RequestedCount"/>.</exception>
    Task<IRecoveryClaim?> TryAddClaimedAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the recovery to run next: the oldest (by <see cref="RecoveryStatus.CreatedAt"/>) that is queued, or in
    /// progress with a lease that expired before <paramref name="now"/> (its worker crashed or its node restarted). It
    /// becomes <see cref="RecoveryState.InProgress"/> under a new owner until <paramref name="leaseUntil"/>, its
    /// <see cref="RecoveryStatus.ClaimCount"/> grows by one, and <see cref="RecoveryStatus.StartedAt"/> is set if it was
    /// not. Its items keep their outcomes. Returns <see langword="null"/> when there is nothing to claim.
    /// </summary>
    Task<IRecoveryClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>One recovery, or <see langword="null"/> when there is none with that ID.</summary>
    Task<RecoveryStatus?> GetAsync(Guid recoveryId, CancellationToken cancellationToken = default);

    /// <summary>The party's most recent recovery (latest <see cref="RecoveryStatus.CreatedAt"/>), whatever its state, or <see langword="null"/>.</summary>
    Task<RecoveryStatus?> GetLatestForPartyAsync(PartyName party, CancellationToken cancellationToken = default);

    /// <summary>
    /// The recoveries, newest first (by <see cref="RecoveryStatus.CreatedAt"/>), of <paramref name="party"/> or of every
    /// party when <see langword="null"/>, at most <paramref name="limit"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    Task<IReadOnlyList<RecoveryStatus>> GetHistoryAsync(PartyName? party, int limit, CancellationToken cancellationToken = default);

    /// <summary>The recoveries queued or in progress, oldest first.</summary>
    Task<IReadOnlyList<RecoveryStatus>> GetActiveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of a recovery's items in position order: those after <paramref name="afterPosition"/> (from the first
    /// when <see langword="null"/>), only those with <paramref name="outcome"/> when it is given, at most
    /// <paramref name="limit"/>. Empty for an unknown recovery.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    Task<IReadOnlyList<RecoveryItem>> GetItemsAsync(Guid recoveryId, RecoveryItemOutcome? outcome, int? afterPosition, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops the party's queued or in-progress recovery: it becomes <see cref="RecoveryState.Stopped"/> at
    /// <paramref name="now"/> with <paramref name="reason"/> as its error, owner and lease cleared, so its claim no longer
    /// holds. Returns the recoveries stopped, as they are now (empty when there was none).
    /// </summary>
    Task<IReadOnlyList<RecoveryStatus>> StopForPartyAsync(PartyName party, string reason, DateTimeOffset now, CancellationToken cancellationToken = default);
}
