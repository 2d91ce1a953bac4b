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
    string dumpDirectory)
{
    public const string Help =
        """
        Commands:
          flow list                          the flows this node offers
          flow start <Flow> [arg: value, ...] start a flow, for example
              flow start ScheduleReconciliationFlow parties: ["O=PartyB, L=London, C=GB"]
              flow start GetReconciliationStatusForPartyFlow party: "O=PartyB, L=London, C=GB", isRequester: true
              flow start GetReconciliationStatusesFlow isRequester: true
              flow start RefreshReconciliationStatusesFlow
              flow start StopReconciliationForPartyFlow party: "O=PartyB, L=London, C=GB"
              flow start IsReconciliationScheduledForPartyFlow party: "O=PartyB, L=London, C=GB"
              flow start IsRespondingToReconciliationForPartyFlow party: "O=PartyB, L=London, C=GB"
          checkpoints dump                   write the in-flight dump (checkpoints_dump-*.zip) and print its path
          metrics                            the monitoring counts and the ledger graph's state
          record <n> with "<party>"          (demo) record n new transactions with a party, each spending the previous
          wait <seconds>                     pause (for scripted sessions)
          help                               this text
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
                case "HELP" or "?":
                    Console.WriteLine(Help);
                    return true;
                case "FLOW" when Regex.IsMatch(command, @"^flow\s+list\s*$", RegexOptions.IgnoreCase):
                    foreach (var name in ReconciliationFlows.FlowNamesList)
                    {
                        Console.WriteLine(name);
                    }

                    return true;
                case "FLOW":
                    Console.WriteLine(ReconciliationFlows.FormatResult(await flows.StartFlowAsync(command, cancellationToken)));
                    return true;
                case "CHECKPOINTS" or "DUMP":
                    Console.WriteLine($"Wrote {await dumper.WriteAsync(dumpDirectory, cancellationToken)} ({monitor.GetInFlightReconciliations().Count} reconciliations in flight)");
                    return true;
                case "METRICS":
                    await PrintMetricsAsync(cancellationToken);
                    return true;
                case "RECORD":
                    await RecordAsync(command);
                    return true;
                case "WAIT" when double.TryParse(command[4..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0:
                    await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
                    return true;
                default:
                    Console.WriteLine($"Unknown command '{command}'. Type help for the list.");
                    return true;
            }
        }
        catch (FlowArgumentException e)
        {
            Console.WriteLine($"Invalid flow command: {e.Message}");
        }
        catch (LedgerSyncException e)
        {
            Console.WriteLine($"Flow failed with {e.GetType().Name}: {e.Message}");
        }

        return true;
    }

    private async Task RecordAsync(string command)
    {
        var match = RecordSyntax().Match(command);
        if (!match.Success || !int.TryParse(match.Groups["count"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 1_000_000
            || !PartyName.TryParse(match.Groups["party"].Value, out var party))
        {
            Console.WriteLine("Usage: record <n> with \"<party>\", n from 1 to 1000000, for example record 100 with \"O=PartyB, L=London, C=GB\"");
            return;
        }

        if (party == self)
        {
            Console.WriteLine("A transaction needs a counterparty other than this node.");
            return;
        }

        var recorded = await ledger.RecordAsync(self, party, count);
        foreach (var transaction in recorded)
        {
            graph.Record(transaction);
        }

        Console.WriteLine($"Recorded {recorded.Count:N0} transactions with {party}; the ledger holds {await ledger.CountAsync():N0}.");
    }

    private async Task PrintMetricsAsync(CancellationToken cancellationToken)
    {
        var counts = await monitor.GetCountsAsync(cancellationToken);
        Console.WriteLine($"LedgerGraphIsInitialized                  {monitor.LedgerGraphIsInitialized.ToString().ToLowerInvariant()}");
        Console.WriteLine($"LedgerGraphIsSelfConsistent               {monitor.LedgerGraphIsSelfConsistent.ToString().ToLowerInvariant()}");
        Console.WriteLine($"LedgerGraphErrors                         [{string.Join(", ", monitor.LedgerGraphErrors.Take(5))}]");
        Console.WriteLine($"NumberOfScheduledReconciliations          {counts.Scheduled}");
        Console.WriteLine($"NumberOfReconciliationsInProgress         {counts.InProgress}");
        Console.WriteLine($"NumberOfFailedReconciliations             {counts.Failed}");
        Console.WriteLine($"NumberOfReconciliationsWithDifferences    {counts.WithDifferences}");
        Console.WriteLine($"NumberOfReconciliationsWithoutDifferences {counts.WithoutDifferences}");
        Console.WriteLine($"FailedParties                             [{string.Join("; ", await monitor.GetFailedPartiesAsync(cancellationToken))}]");
        Console.WriteLine($"PartiesWithDifference                     [{string.Join("; ", await monitor.GetPartiesWithDifferencesAsync(cancellationToken))}]");
        Console.WriteLine($"ledger graph transactions                 {graph.Count:N0}");
    }

    [GeneratedRegex("""^record\s+(?<count>\d+)\s+with\s+"(?<party>[^"]+)"\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex RecordSyntax();
}
