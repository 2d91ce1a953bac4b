using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Status;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Recovery;

/// <summary>
/// Queues and stops recoveries: the rules the flows and the auto-recover path share (what to recover by default, one
/// recovery per party, plug-ins present), in front of the <see cref="IRecoveryStore"/> and the <see cref="RecoveryWorker"/>.
/// </summary>
internal sealed partial class RecoveryCoordinator(
    IRecoveryStore store,
    IStatusStore statusStore,
    ILedgerGraph graph,
    RecoveryWorker worker,
    IOptions<LedgerSyncOptions> options,
    TimeProvider timeProvider,
    ITransactionDecoder? decoder,
    IRecoveredTransactionSink? sink,
    IPeerTransport? transport,
    ILogger? logger)
{
    public const int MaxTransactionsPerRecovery = 1_000_000;

    private readonly ILogger _log = logger ?? NullLogger.Instance;

    public IRecoveryStore Store => store;

    public async Task<RecoveryStatus> QueueAsync(PartyName party, IReadOnlyCollection<TransactionId>? transactionIds, CancellationToken cancellationToken)
    {
        using var scope = _log.BeginFlowScope(RecoveryFlowNames.RecoverTransactions);
        if (options.Value.LocalParty is { } local && local == party)
        {
            throw new ReconciliationWithSelfException(party);
        }

        if (decoder is null)
        {
            throw new RecoveryNotConfiguredException(nameof(ITransactionDecoder), "This node cannot verify recovered transactions: register the host's transaction decoder with .UseTransactionDecoder(...).");
        }

        if (sink is null)
        {
            throw new RecoveryNotConfiguredException(nameof(IRecoveredTransactionSink), "This node has nowhere to store recovered transactions: register a sink with .UseRecoveredTransactionSink(...).");
        }

        if (transport is not null && !transport.CanReach(party))
        {
            throw new PeerUnreachableException(party, $"The transport has no address for {party}; a recovery from it cannot run.");
        }

        IReadOnlyList<TransactionId> ids;
        if (transactionIds is null)
        {
            var status = await statusStore.GetAsync(party, isRequester: true, cancellationToken).ConfigureAwait(false);
            ids = status is null ? [] : [.. status.LastSuccessfulReconciliationResult.Distinct().Where(id => !graph.Contains(id))];
            if (ids.Count == 0)
            {
                throw new NothingToRecoverException(
                    party,
                    status is null
                        ? $"There is nothing to recover from {party}: no reconciliation with it is stored. Run ScheduleReconciliationFlow first, or name the transactionIds."
                        : $"There is nothing to recover from {party}: the result of the last successful reconciliation is empty or already held. Reconcile again, or name the transactionIds.");
            }
        }
        else
        {
            ids = [.. transactionIds.Distinct()];
            if (ids.Count == 0)
            {
                throw new ArgumentException("Name at least one transaction to recover, or pass no list to recover the last reconciliation's result.", nameof(transactionIds));
            }
        }

        if (ids.Count > MaxTransactionsPerRecovery)
        {
            throw new ArgumentException($"A recovery may request at most {MaxTransactionsPerRecovery} transactions; {ids.Count} were given. Split it.", nameof(transactionIds));
        }

        var recovery = new RecoveryStatus
        {
            RecoveryId = Guid.NewGuid(),
            PartyName = party,
            State = RecoveryState.Queued,
            RequestedCount = ids.Count,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        if (!await store.TryAddAsync(recovery, ids, cancellationToken).ConfigureAwait(false))
        {
            var active = (await store.GetActiveAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.PartyName == party);
            throw new RecoveryAlreadyInProgressException(
                party,
                active?.RecoveryId,
                $"A recovery from {party} is already {(active?.State ?? RecoveryState.Queued).ToName()}{(active is null ? "" : $" ({active.RecoveryId})")}; stop it with StopReconciliationForPartyFlow or wait for it to end.");
        }

        LogQueued(_log, recovery.RecoveryId, party, ids.Count);
        worker.Wake();
        return (await store.GetAsync(recovery.RecoveryId, cancellationToken).ConfigureAwait(false)) ?? recovery;
    }

    public async Task<bool> StopAsync(PartyName party, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(party);
        using var scope = _log.BeginFlowScope(FlowNames.StopReconciliationForParty);
        var stopped = await store.StopForPartyAsync(party, "stopped by StopReconciliationForPartyFlow", timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var recovery in stopped)
        {
            worker.Cancel(recovery.RecoveryId);
            LogStopped(_log, recovery.RecoveryId, party);
        }

        return stopped.Count > 0;
    }

    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Queued recovery {RecoveryId} of {Count} transaction(s) from {Party}")]
    private static partial void LogQueued(ILogger logger, Guid recoveryId, PartyName party, int count);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Stopped recovery {RecoveryId} from {Party}")]
    private static partial void LogStopped(ILogger logger, Guid recoveryId, PartyName party);
}
