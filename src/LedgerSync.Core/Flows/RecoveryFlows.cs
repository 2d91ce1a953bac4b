using LedgerSync.Recovery;

namespace LedgerSync.Flows;

/// <summary>
/// The recovery flows: queue a recovery of the transactions a counterparty has and this node lacks, and follow its
/// progress. A recovery is stopped with the existing <c>StopReconciliationForPartyFlow</c>. Resolve it from the
/// container after <c>AddLedgerSync()</c>; the same flows are reachable by name through
/// <see cref="ReconciliationFlows.StartFlowAsync(string, CancellationToken)"/>.
/// </summary>
public sealed class RecoveryFlows
{
    private readonly RecoveryCoordinator _coordinator;

    internal RecoveryFlows(RecoveryCoordinator coordinator)
    {
        _coordinator = coordinator;
    }

    /// <summary>
    /// <c>RecoverTransactionsFlow</c>: queues a recovery from <paramref name="party"/> and returns once it is queued (as
    /// <see cref="RecoveryState.Queued"/>). Without <paramref name="transactionIds"/>, it recovers the stored result of
    /// the last successful reconciliation with the party (less what this node already holds). The recovery then runs in
    /// the background; follow it with <see cref="GetRecoveryStatusForPartyAsync"/>.
    /// </summary>
    /// <param name="party">The counterparty to recover from.</param>
    /// <param name="transactionIds">The IDs to recover (duplicates are dropped), or <see langword="null"/> for the last reconciliation's result.</param>
    /// <param name="cancellationToken">Cancels the queuing.</param>
    /// <returns>The queued recovery.</returns>
    /// <exception cref="ReconciliationWithSelfException">The party is this node.</exception>
    /// <exception cref="RecoveryAlreadyInProgressException">A recovery from the party is already queued or in progress.</exception>
    /// <exception cref="NothingToRecoverException">No IDs were given and the last successful reconciliation left nothing to recover.</exception>
    /// <exception cref="RecoveryNotConfiguredException">The transaction decoder or the sink is not registered.</exception>
    /// <exception cref="PeerUnreachableException">The transport has no way to reach the party.</exception>
    /// <exception cref="ArgumentException">More than <see cref="MaxTransactionsPerRecovery"/> IDs, or an empty list.</exception>
    public Task<RecoveryStatus> RecoverTransactionsAsync(PartyName party, IReadOnlyCollection<TransactionId>? transactionIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return _coordinator.QueueAsync(party, transactionIds, cancellationToken);
    }

    /// <summary>The most IDs one recovery may request: 1000000.</summary>
    public const int MaxTransactionsPerRecovery = RecoveryCoordinator.MaxTransactionsPerRecovery;

    /// <summary>
    /// <c>GetRecoveryStatusForPartyFlow</c>: the party's latest recovery (queued, in progress with counts and bytes,
    /// finished with recovered, rejected and refused counts, failed with its error, or stopped), or
    /// <see langword="null"/> when none was ever queued.
    /// </summary>
    public Task<RecoveryStatus?> GetRecoveryStatusForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return _coordinator.Store.GetLatestForPartyAsync(party, cancellationToken);
    }

    /// <summary>The recoveries of <paramref name="party"/> (or of every party), newest first, at most <paramref name="limit"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    public Task<IReadOnlyList<RecoveryStatus>> GetRecoveryHistoryAsync(PartyName? party = null, int limit = 50, CancellationToken cancellationToken = default) =>
        _coordinator.Store.GetHistoryAsync(party, limit, cancellationToken);

    /// <summary>One page of a recovery's per-transaction outcomes, in the order requested (see <see cref="IRecoveryStore.GetItemsAsync"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    public Task<IReadOnlyList<RecoveryItem>> GetRecoveryItemsAsync(Guid recoveryId, RecoveryItemOutcome? outcome = null, int? afterPosition = null, int limit = 1000, CancellationToken cancellationToken = default) =>
        _coordinator.Store.GetItemsAsync(recoveryId, outcome, afterPosition, limit, cancellationToken);

    /// <summary>Stops the party's queued or running recovery (part of <c>StopReconciliationForPartyFlow</c>); returns whether one was stopped.</summary>
    internal Task<bool> StopRecoveryForPartyAsync(PartyName party, CancellationToken cancellationToken = default) =>
        _coordinator.StopAsync(party, cancellationToken);
}
