using System.Globalization;
using System.Text.RegularExpressions;
using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Ledger;

namespace LedgerSync.Samples.Node;

/// <summary>
/// The node's interactive shell: the reference product's <c>flow start ...</c> commands, a checkpoint (in-flight)
/// dump, the monitoring counts, and a demo command to record transactions with a counterparty.
/// </summary>
internal sealed partial class NodeShell(
    PartyName self,
    NodeLedger ledger,
    ILedgerGraph graph,
    ReconciliationFlows flows,
    ReconciliationMonitor monitor,
    InFlightDumper dumper,
    string dumpDirectory,
    IReadOnlyList<PartyName> knownPeers,
    TextWriter output)
{
    public const string Help =
        """
        Commands:
          flow list                          the flows this node offers (their count, then one name a line)
          flow start <Flow> [arg: value, ...] start a flow, for example
              flow start ScheduleReconciliationFlow parties: ["O=PartyB, L=London, C=GB"]
              flow start GetReconciliationStatusForPartyFlow party: "O=PartyB, L=London, C=GB", isRequester: true
              flow start GetReconciliationStatusesFlow isRequester: true
              flow start RefreshReconciliationStatusesFlow
              flow start StopReconciliationForPartyFlow party: "O=PartyB, L=London, C=GB"
                  (stopping is one step: it cancels the queued or running run, records STOPPED and frees the
                  pool slot; the reference shell's "run killFlow id: ..." is not needed and not a command here)
              flow start IsReconciliationScheduledForPartyFlow party: "O=PartyB, L=London, C=GB"
              flow start IsRespondingToReconciliationForPartyFlow party: "O=PartyB, L=London, C=GB"
              flow start RecoverTransactionsFlow party: "O=PartyB, L=London, C=GB"
                  (fetches what the last reconciliation found missing, within B's limits; returns once queued;
                  add transactionIds: ["<64 hex>", ...] to choose the IDs)
              flow start GetRecoveryStatusForPartyFlow party: "O=PartyB, L=London, C=GB"
              flow start ExportTransactionsForPartyFlow party: "O=PartyA, L=London, C=GB", file: "for-partya.zip"
                  (manual fallback, on the node that has the transactions: only the party's relevant set is written)
              flow start ImportTransactionsFlow party: "O=PartyB, L=London, C=GB", file: "for-partya.zip"
                  (on the node that lacks them: verified like a recovery over the network, then stored)
          checkpoints dump                   write the in-flight dump (checkpoints_dump-*.zip) and print its path
          metrics                            the monitoring counts and the ledger graph's state
          record <n> with "<party>"          (demo) record n new transactions with a party, each spending the previous
          wait <seconds>                     pause (for scripted sessions)
          help, --help, ?                    this text
          bye                                stop the node
        """;

    /// <summary>Runs one command line; returns <see langword="false"/> when the shell should end.</summary>
    public async Task<bool> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        var command = line.Trim();
        var word = command.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToUpperInvariant();
        try
        {
            switch (word)
            {
                case null:
                    return true;
                case "BYE" or "EXIT" or "QUIT":
                    return false;
                case "HELP" or "?" or "--HELP" or "-H":
                    output.WriteLine(Help);
                    return true;
                case "FLOW" when Regex.IsMatch(command, @"^flow\s+list\s*$", RegexOptions.IgnoreCase):
                    output.WriteLine($"{ReconciliationFlows.FlowNamesList.Count} flows:");
                    foreach (var name in ReconciliationFlows.FlowNamesList)
                    {
                        output.WriteLine($"  {name}");
                    }

                    return true;
                case "FLOW":
                    await StartFlowAsync(command, cancellationToken);
                    return true;
                case "RUN":
                    await ExplainRunAsync(command, cancellationToken);
                    return true;
                case "CHECKPOINTS" or "DUMP":
                    output.WriteLine($"Wrote {await dumper.WriteToDirectoryAsync(dumpDirectory, cancellationToken)} ({monitor.GetInFlightReconciliations().Count} reconciliations in flight)");
                    return true;
                case "METRICS":
                    await PrintMetricsAsync(cancellationToken);
                    return true;
                case "RECORD":
                    await RecordAsync(command);
                    return true;
                case "WAIT" when double.TryParse(command[4..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 3600:
                    await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                    return true;
                default:
                    output.WriteLine($"Unknown command '{command}'. Type help for the list.");
                    return true;
            }
        }
        catch (FlowArgumentException e)
        {
            output.WriteLine($"Invalid flow command: {e.Message}");
        }
        catch (LedgerSyncException e)
        {
            output.WriteLine($"Flow failed with {e.GetType().Name}: {e.Message}");
        }

        return true;
    }

    private async Task StartFlowAsync(string command, CancellationToken cancellationToken)
    {
        var parsed = FlowCommand.Parse(command);
        if (string.Equals(parsed.FlowName, FlowNames.ScheduleReconciliation, StringComparison.OrdinalIgnoreCase) && !CheckPartiesToSchedule(parsed))
        {
            return;
        }

        var result = await flows.StartFlowAsync(parsed, cancellationToken);
        output.WriteLine(result.ToString());
        var responderRows = result switch
        {
            GetReconciliationStatusForPartyFlowResult { Status.IsRequester: false } => 1,
            GetReconciliationStatusesFlowResult list => list.Statuses.Count(s => !s.IsRequester),
            _ => 0,
        };
        if (responderRows > 0)
        {
            output.WriteLine(ResponderRowNote);
        }
    }

    /// <summary>
    /// Checks each entry of <c>parties</c> before anything is scheduled: a malformed name or a party without an
    /// address in <c>LedgerSync:Http:Peers</c> is refused at once, naming the entry; nothing is queued.
    /// </summary>
    private bool CheckPartiesToSchedule(FlowCommand command)
    {
        var entries = command.Arguments.FirstOrDefault(a => string.Equals(a.Key, "parties", StringComparison.OrdinalIgnoreCase)).Value;
        if (entries is null)
        {
            return true; // the flow itself reports the missing parameter
        }

        var problems = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var where = $"parties entry {i + 1} of {entries.Count}, \"{entries[i]}\"";
            if (!PartyName.TryParse(entries[i], out var party, out var error))
            {
                problems.Add($"{where}: {error}");
            }
            else if (party != self && !knownPeers.Contains(party))
            {
                problems.Add($"{where}: no address for this party in LedgerSync:Http:Peers (known peers: {(knownPeers.Count == 0 ? "none" : string.Join("; ", knownPeers))})");
            }
        }

        if (problems.Count == 0)
        {
            return true;
        }

        output.WriteLine($"Nothing scheduled: {problems.Count} of the {entries.Count} parties cannot be reconciled with:");
        foreach (var problem in problems)
        {
            output.WriteLine($"  {problem}");
        }

        return false;
    }

    /// <summary>The reference shell's <c>run killFlow id: ...</c>: explains that stopping is one flow here, and names the party.</summary>
    private async Task ExplainRunAsync(string command, CancellationToken cancellationToken)
    {
        var match = KillFlowSyntax().Match(command);
        if (!match.Success)
        {
            output.WriteLine($"Unknown command '{command}'. This shell has no 'run' RPC commands; type help for the list.");
            return;
        }

        output.WriteLine("Stopping is one step here: StopReconciliationForPartyFlow cancels the queued or running run, records STOPPED and frees the pool slot, so 'run killFlow' is not needed.");
        var party = Guid.TryParse(match.Groups["id"].Value, out var runId) ? await FindPartyOfRunAsync(runId, cancellationToken) : null;
        output.WriteLine(party is null
            ? "Find the party of the run (GetReconciliationStatusesFlow isRequester: true, or checkpoints dump), then: flow start StopReconciliationForPartyFlow party: \"<party>\""
            : $"Run {runId} is with {party}; to stop it: flow start StopReconciliationForPartyFlow party: \"{party}\"");
    }

    private async Task<PartyName?> FindPartyOfRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        if (monitor.GetInFlightReconciliations().FirstOrDefault(r => r.RunId == runId) is { } inFlight)
        {
            return inFlight.Party;
        }

        foreach (var isRequester in new[] { true, false })
        {
            var statuses = await flows.GetReconciliationStatusesAsync(isRequester, cancellationToken: cancellationToken);
            if (statuses.FirstOrDefault(s => s.StateMachineRunId == runId) is { } status)
            {
                return status.PartyName;
            }
        }

        return null;
    }

    private async Task RecordAsync(string command)
    {
        var match = RecordSyntax().Match(command);
        if (!match.Success || !int.TryParse(match.Groups["count"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 1_000_000
            || !PartyName.TryParse(match.Groups["party"].Value, out var party))
        {
            output.WriteLine("Usage: record <n> with \"<party>\", n from 1 to 1000000, for example record 100 with \"O=PartyB, L=London, C=GB\"");
            return;
        }

        if (party == self)
        {
            output.WriteLine("A transaction needs a counterparty other than this node.");
            return;
        }

        var recorded = await ledger.RecordAsync(self, party, count);
        foreach (var transaction in recorded)
        {
            graph.Record(transaction);
        }

        output.WriteLine($"Recorded {recorded.Count:N0} transactions with {party}; the ledger holds {await ledger.CountAsync():N0}.");
    }

    private async Task PrintMetricsAsync(CancellationToken cancellationToken)
    {
        var counts = await monitor.GetCountsAsync(cancellationToken);
        output.WriteLine($"LedgerGraphIsInitialized                  {monitor.LedgerGraphIsInitialized.ToString().ToLowerInvariant()}");
        output.WriteLine($"LedgerGraphIsSelfConsistent               {monitor.LedgerGraphIsSelfConsistent.ToString().ToLowerInvariant()}");
        output.WriteLine($"LedgerGraphErrors                         [{string.Join(", ", monitor.LedgerGraphErrors.Take(5))}]");
        output.WriteLine($"NumberOfScheduledReconciliations          {counts.Scheduled}");
        output.WriteLine($"NumberOfReconciliationsInProgress         {counts.InProgress}");
        output.WriteLine($"NumberOfFailedReconciliations             {counts.Failed}");
        output.WriteLine($"NumberOfReconciliationsWithDifferences    {counts.WithDifferences}");
        output.WriteLine($"NumberOfReconciliationsWithoutDifferences {counts.WithoutDifferences}");
        output.WriteLine($"FailedParties                             [{string.Join("; ", await monitor.GetFailedPartiesAsync(cancellationToken))}]");
        output.WriteLine($"PartiesWithDifference                     [{string.Join("; ", await monitor.GetPartiesWithDifferencesAsync(cancellationToken))}]");
        output.WriteLine($"ledger graph transactions                 {graph.Count:N0}");
    }

    private const string ResponderRowNote =
        "note: a row with isRequester=false is this node's record of ANSWERING that party. The responder never learns the result, "
        + "so DIFFERENCES_NOT_FOUND there means \"served\", not \"no differences\"; the result is on the requester's row on the other node.";

    [GeneratedRegex(@"^run\s+killFlow\b(?:.*?\bid\s*:\s*""?(?<id>[0-9a-fA-F-]{36})""?)?", RegexOptions.IgnoreCase)]
    private static partial Regex KillFlowSyntax();

    [GeneratedRegex("""^record\s+(?<count>\d+)\s+with\s+"(?<party>[^"]+)"\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex RecordSyntax();
}
