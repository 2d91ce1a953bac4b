using LedgerSync.Flows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Dashboard.Data;

/// <summary>
/// The dashboard's actions, each through the same <see cref="ReconciliationFlows"/> method the shell uses; LedgerSync's
/// typed errors become the operator's message, anything else a generic message (the details go to the log).
/// </summary>
internal sealed class LedgerSyncNodeActions
{
    /// <summary>The most parties one schedule request may name.</summary>
    public const int MaxPartiesPerRequest = 1000;

    private readonly ReconciliationFlows _flows;
    private readonly RecoveryFlows _recovery;
    private readonly ILogger _logger;

    /// <summary>Creates the actions; without a logger (a host that did not call <c>AddLogging</c>) the audit trail is not written.</summary>
    public LedgerSyncNodeActions(ReconciliationFlows flows, RecoveryFlows recovery, ILogger<LedgerSyncNodeActions>? logger = null)
    {
        _flows = flows;
        _recovery = recovery;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Schedules a reconciliation with each party named on a line of <paramref name="partyLines"/>.</summary>
    public async Task<ActionOutcome> ScheduleAsync(IEnumerable<string> partyLines, string user, CancellationToken cancellationToken)
    {
        var parties = new List<PartyName>();
        foreach (var line in partyLines.SelectMany(l => l.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (parties.Count == MaxPartiesPerRequest)
            {
                return ActionOutcome.Rejected($"At most {MaxPartiesPerRequest} parties can be scheduled at once.", 400);
            }

            if (!PartyName.TryParse(line, out var party, out var error))
            {
                return ActionOutcome.Rejected(error, 400);
            }

            if (!parties.Contains(party))
            {
                parties.Add(party);
            }
        }

        if (parties.Count == 0)
        {
            return ActionOutcome.Rejected("Name at least one party (one X.500 name per line, for example O=PartyB, L=London, C=GB).", 400);
        }

        return await RunAsync("schedule", user, string.Join("; ", parties), async () =>
        {
            await _flows.ScheduleReconciliationAsync(parties, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ActionOutcome.Ok(parties.Count == 1
                ? $"Scheduled a reconciliation with {parties[0]}."
                : $"Scheduled reconciliations with {parties.Count} parties: {string.Join("; ", parties)}.");
        }).ConfigureAwait(false);
    }

    /// <summary>Stops queued and running work with the party, in both roles.</summary>
    public async Task<ActionOutcome> StopAsync(string? partyText, string user, CancellationToken cancellationToken)
    {
        if (!PartyName.TryParse(partyText, out var party, out var error))
        {
            return ActionOutcome.Rejected(error, 400);
        }

        return await RunAsync("stop", user, party.ToString(), async () =>
            await _flows.StopReconciliationForPartyAsync(party, cancellationToken).ConfigureAwait(false)
                ? ActionOutcome.Ok($"Stopped the reconciliation with {party}; it is recorded as STOPPED.")
                : ActionOutcome.Ok($"Nothing was queued or running with {party}; nothing was stopped.")).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues a recovery of the transactions the latest successful reconciliation with the party found
    /// (<c>RecoverTransactionsFlow</c>); it then runs in the background and the party page shows its progress.
    /// </summary>
    public async Task<ActionOutcome> RecoverAsync(string? partyText, string user, CancellationToken cancellationToken)
    {
        if (!PartyName.TryParse(partyText, out var party, out var error))
        {
            return ActionOutcome.Rejected(error, 400);
        }

        return await RunAsync("recover", user, party.ToString(), async () =>
        {
            var queued = await _recovery.RecoverTransactionsAsync(party, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ActionOutcome.Ok(queued.RequestedCount == 1
                ? $"Queued a recovery of 1 transaction from {party}."
                : $"Queued a recovery of {queued.RequestedCount} transactions from {party}.");
        }).ConfigureAwait(false);
    }

    /// <summary>Drops from the stored results the transactions the ledger now holds.</summary>
    public Task<ActionOutcome> RefreshAsync(string user, CancellationToken cancellationToken) =>
        RunAsync("refresh", user, null, async () =>
        {
            var removed = await _flows.RefreshReconciliationStatusesAsync(cancellationToken).ConfigureAwait(false);
            return ActionOutcome.Ok(removed == 1
                ? "Refreshed the statuses: 1 transaction found earlier is now in the ledger and was dropped from the results."
                : $"Refreshed the statuses: {removed} transactions found earlier are now in the ledger and were dropped from the results.");
        });

    /// <summary>Writes the in-flight dump into <paramref name="directory"/>; the outcome's message is the zip's path on success.</summary>
    public Task<ActionOutcome> DumpAsync(string directory, string user, CancellationToken cancellationToken) =>
        RunAsync("dump", user, null, async () =>
            ActionOutcome.Ok(await _flows.DumpInFlightReconciliationsAsync(directory, cancellationToken).ConfigureAwait(false)));

    private async Task<ActionOutcome> RunAsync(string action, string user, string? parties, Func<Task<ActionOutcome>> run)
    {
        try
        {
            var outcome = await run().ConfigureAwait(false);
            DashboardLog.ActionDone(_logger, user, action, parties ?? "-");
            return outcome;
        }
        catch (LedgerGraphNotReadyException e)
        {
            DashboardLog.ActionRefused(_logger, user, action, parties ?? "-", e.Message);
            return ActionOutcome.Rejected(e.Message, 503);
        }
        catch (LedgerSyncException e)
        {
            DashboardLog.ActionRefused(_logger, user, action, parties ?? "-", e.Message);
            return ActionOutcome.Rejected(e.Message, 409);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DashboardLog.ActionFailed(_logger, e, user, action, parties ?? "-");
            return ActionOutcome.Rejected($"The {action} action failed on the node; the node's log has the details (event {DashboardLog.ActionFailedId}).", 500);
        }
    }
}
