using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// The walkthrough of the reference documentation, played with real parts: record business on two nodes, back up A,
/// record more, lose A's database and restore it, reconcile A with B, recover what B has over the library, refresh, and
/// check that A found and recovered exactly what it lost — and nothing of B's business with C.
/// </summary>
internal sealed class DisasterRecoveryScenario(SampleOptions options, string dataDirectory)
{
    private const int RecordBatchSize = 250;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private static readonly string ScheduleCommand = $"flow start ScheduleReconciliationFlow parties: [\"{Parties.PartyB}\"]";
    private static readonly string StatusCommand = $"flow start GetReconciliationStatusForPartyFlow party: \"{Parties.PartyB}\", isRequester: true";
    private const string RefreshCommand = "flow start RefreshReconciliationStatusesFlow";
    private static readonly string RecoverCommand = $"flow start RecoverTransactionsFlow party: \"{Parties.PartyB}\"";
    private static readonly string RecoveryStatusCommand = $"flow start GetRecoveryStatusForPartyFlow party: \"{Parties.PartyB}\"";

    /// <summary>What the default responder limits serve in one hour: 30 requests of 30 transactions.</summary>
    private const int DefaultLimitsPerHour = 30 * 30;

    private readonly Workload _workload = new(options.Seed);
    private int _step;

    public async Task<int> RunAsync()
    {
        var total = Stopwatch.StartNew();
        await using var transport = NodeTransport.Create(options.Transport);
        var databaseA = new LedgerDatabase(Path.Combine(dataDirectory, "partya.db"));
        var storageA = new LedgerSyncDatabase(Path.Combine(dataDirectory, "partya-ledgersync.db"));
        var databaseB = new LedgerDatabase(Path.Combine(dataDirectory, "partyb.db"));
        var storageB = new LedgerSyncDatabase(Path.Combine(dataDirectory, "partyb-ledgersync.db"));
        var backupDirectory = Path.Combine(dataDirectory, "partya-backup");

        Step("Start the nodes");
        await using var nodeB = await SampleNode.StartAsync(Parties.PartyB, databaseB, storageB, transport, listen: true, options.Verbose, options.JsonLogs, configure: ResponderLimits);
        var nodeA = await SampleNode.StartAsync(Parties.PartyA, databaseA, storageA, transport, listen: false, options.Verbose, options.JsonLogs);
        try
        {
            await nodeA.WaitForLedgerGraphAsync(TimeSpan.FromMinutes(1));
            await nodeB.WaitForLedgerGraphAsync(TimeSpan.FromMinutes(1));
            Console.WriteLine($"  {nodeB.Party}: ledger {Path.GetFileName(databaseB.Path)}, LedgerSync store {Path.GetFileName(storageB.Path)}{Listening(nodeB)}");
            Console.WriteLine($"  {nodeA.Party}: ledger {Path.GetFileName(databaseA.Path)}, LedgerSync store {Path.GetFileName(storageA.Path)}");
            Console.WriteLine($"  {Parties.PartyC}: no node here; B's business with C is in B's ledger only");
            Console.WriteLine(RaisesLimits
                ? $"  B's recovery limits are raised for {options.Missing:N0} lost transactions (the defaults serve {DefaultLimitsPerHour} an hour): maxAllowedTransactions 1000, maxAllowedRequests 100000 per hour, maxAllowedSizeInBytes 10,000,000 per minute"
                : "  B serves recoveries within the default limits: maxAllowedTransactions 30, maxAllowedRequests 30 per hour, maxAllowedSizeInBytes 3,000,000 per hour");

            Step($"Record {options.Transactions:N0} shared A–B transactions with their back-chains (and B's business with C)");
            await RecordAsync(nodeA, nodeB, options.Transactions, "recording transactions");
            Console.WriteLine($"  A's ledger: {await databaseA.CountAsync():N0} transactions; B's ledger: {await databaseB.CountAsync():N0} transactions");

            Step("Back up A's databases (SQLite online backup, while the node runs)");
            Console.WriteLine($"  {SqliteBackup.Backup(databaseA.Path, backupDirectory)}");
            Console.WriteLine($"  {SqliteBackup.Backup(storageA.Path, backupDirectory)}");

            Step($"Record {options.Missing:N0} more shared transactions (the backup does not have them)");
            await RecordAsync(nodeA, nodeB, options.Missing, "recording transactions");
        }
        finally
        {
            // The disaster: A's node goes down with its database.
            await nodeA.DisposeAsync();
        }

        var idsBeforeDisaster = await databaseA.ReadAllIdsAsync();
        Step("Disaster: A's databases are lost. Restore them from the backup and start A's node again");
        SqliteBackup.Restore(databaseA.Path, backupDirectory);
        SqliteBackup.Restore(storageA.Path, backupDirectory);
        var idsAfterRestore = await databaseA.ReadAllIdsAsync();
        var trulyMissing = idsBeforeDisaster.Where(id => !idsAfterRestore.Contains(id)).ToHashSet();
        Console.WriteLine($"  A's ledger after the restore: {idsAfterRestore.Count:N0} transactions ({trulyMissing.Count:N0} lost)");

        var loading = new ConsoleProgress("ledger graph initialization");
        var progress = new SynchronousProgress<LedgerGraphLoadProgress>(p => loading.Report(p.Loaded, p.Total));
        await using var restoredA = await SampleNode.StartAsync(Parties.PartyA, databaseA, storageA, transport, listen: false, options.Verbose, options.JsonLogs, progress);
        await restoredA.WaitForLedgerGraphAsync(TimeSpan.FromMinutes(5));
        loading.Complete(restoredA.Graph.Count, restoredA.Graph.IsSelfConsistent ? "self-consistent" : $"NOT self-consistent: {restoredA.Graph.Errors.Count} errors");

        var run = await ReconcileAsync(restoredA);
        if (run.Found is null)
        {
            return 1;
        }

        Step("Recover the missing transactions from B (walkthrough step 3): over the library, verified by A's decoder, stored by A's sink");
        Console.WriteLine($"> {RecoverCommand}");
        Console.WriteLine(await restoredA.Flows.StartFlowAsync(RecoverCommand));
        var recovery = await WaitForRecoveryAsync(restoredA);
        Console.WriteLine($"> {RecoveryStatusCommand}");
        Console.WriteLine(new GetRecoveryStatusForPartyFlowResult(recovery));
        var idsAfterRecovery = await databaseA.ReadAllIdsAsync();
        Console.WriteLine($"  A's ledger after the recovery: {idsAfterRecovery.Count:N0} transactions; {recovery?.BytesRecovered ?? 0:N0} payload bytes recovered");

        Step("Refresh the reconciliation status");
        Console.WriteLine($"> {RefreshCommand}");
        var dropped = await restoredA.Flows.StartFlowAsync(RefreshCommand);
        Console.WriteLine($"{dropped}  (IDs no longer missing)");
        Console.WriteLine($"> {StatusCommand}");
        var refreshedResult = (GetReconciliationStatusForPartyFlowResult)await restoredA.Flows.StartFlowAsync(StatusCommand);
        Console.WriteLine(refreshedResult);
        var refreshed = refreshedResult.Status;

        Step("Metrics (the query API's JMX set, on PartyA)");
        await PrintMetricsAsync(restoredA, run);

        Step("Check");
        var ok = Check(run.Found, trulyMissing, refreshed) & CheckRecovery(recovery, trulyMissing, idsBeforeDisaster, idsAfterRecovery);
        Console.WriteLine();
        Console.WriteLine($"{(ok ? "OK" : "FAILED")}: transport {options.Transport.ToString().ToLowerInvariant()}, {total.Elapsed.TotalSeconds:0.0} s in all");
        return ok ? 0 : 1;
    }

    private async Task<ReconciliationRun> ReconcileAsync(SampleNode nodeA)
    {
        var run = new ReconciliationRun();
        using var observer = new ReconciliationObserver(nodeA.Party);

        Step("Schedule a reconciliation with B (walkthrough step 1)");
        var started = nodeA.Probe.ArmAsync(Parties.PartyB);
        Console.WriteLine($"> {ScheduleCommand}");
        try
        {
            Console.WriteLine(await nodeA.Flows.StartFlowAsync(ScheduleCommand));
        }
        catch (LedgerSyncException e)
        {
            nodeA.Probe.Release();
            Console.WriteLine($"  scheduling failed: {e.GetType().Name}: {e.Message}");
            return run;
        }

        Step("Check the status of the reconciliation (walkthrough step 2)");
        try
        {
            await started.WaitAsync(TimeSpan.FromMinutes(1));

            // The run has just been recorded as started: ask for its status while it is under way.
            Console.WriteLine($"> {StatusCommand}");
            Console.WriteLine(await nodeA.Flows.StartFlowAsync(StatusCommand));
            if (options.DumpDirectory is { } dumpDirectory)
            {
                // The checkpoint dump is taken as soon as the monitor shows A waiting for B's answer: the run is then mid-exchange.
                run.Dump = observer.DumpWhenWaitingOnPeerAsync(nodeA, Parties.PartyB, dumpDirectory);
            }
        }
        catch (TimeoutException)
        {
            Console.WriteLine("  the reconciliation did not start within a minute");
        }
        finally
        {
            run.ReleasedAt = TimeProvider.System.GetUtcNow();
            nodeA.Probe.Release();
        }

        var status = await WaitForEndAsync(nodeA);
        if (options.DumpDirectory is not null)
        {
            await PrintDumpAsync(run.Dump);
        }

        // The status is stored just before the run's end is counted on the meter.
        if (await Task.WhenAny(observer.Ended.Task, Task.Delay(TimeSpan.FromSeconds(5))) == observer.Ended.Task)
        {
            run.Duration = await observer.Ended.Task - (run.ReleasedAt ?? TimeProvider.System.GetUtcNow());
        }

        (run.Exchanges, run.BytesSent, run.BytesReceived) = (observer.Exchanges, observer.BytesSent, observer.BytesReceived);
        Console.WriteLine($"> {StatusCommand}");
        Console.WriteLine(FormatTrimmed(status));
        if (status?.LastReconciliationStatus is not (ReconciliationState.DifferencesFound or ReconciliationState.DifferencesNotFound))
        {
            Console.WriteLine($"FAILED: the reconciliation ended as {status?.LastReconciliationStatus?.ToName() ?? "nothing"}: {status?.LastReconciliationError}");
            return run;
        }

        run.Found = [.. status.LastSuccessfulReconciliationResult];
        Console.WriteLine($"  {run.Found.Count:N0} transactions B has and A lacks; {run.Exchanges} sketch exchange{(run.Exchanges == 1 ? string.Empty : "s")}, " +
            $"{run.BytesSent:N0} bytes sent and {run.BytesReceived:N0} received by A, {run.Duration.TotalMilliseconds:N0} ms after the status was printed");
        return run;
    }

    private static async Task PrintDumpAsync(Task<string?>? dump)
    {
        if (dump is null)
        {
            Console.WriteLine("  no in-flight dump: the run never waited for B");
            return;
        }

        if (await dump is not { } path)
        {
            Console.WriteLine("  no in-flight dump: the run ended before A waited for B");
            return;
        }

        Console.WriteLine($"  in-flight dump, taken while A waited for B's answer: {path}");
        using var zip = ZipFile.OpenRead(path);
        foreach (var entry in zip.Entries)
        {
            Console.WriteLine($"    {entry.FullName} ({entry.Length:N0} bytes)");
            await using var json = entry.Open();
            using var document = await JsonDocument.ParseAsync(json);
            var root = document.RootElement;
            var stages = root.TryGetProperty("stages", out var list) ? list.EnumerateArray().Select(e => e.GetProperty("stage").GetString()) : [];
            var waiting = root.TryGetProperty("suspendedOn", out var suspendedOn) && suspendedOn.ValueKind == JsonValueKind.Object
                ? suspendedOn.GetProperty("description").GetString()
                : "nothing";
            Console.WriteLine($"      waiting for {waiting}; stages: {string.Join(" > ", stages)}");
        }
    }

    private static async Task<ReconciliationStatus?> WaitForEndAsync(SampleNode nodeA)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await nodeA.Flows.GetReconciliationStatusForPartyAsync(Parties.PartyB, isRequester: true);
            if (status?.LastReconciliationStatus is { } state && state != ReconciliationState.InProgress)
            {
                return status;
            }

            if (deadline.Elapsed > RunTimeout)
            {
                return status;
            }

            await Task.Delay(25);
        }
    }

    private async Task RecordAsync(SampleNode nodeA, SampleNode nodeB, int count, string label)
    {
        var progress = new ConsoleProgress(label);
        var forA = new List<LedgerTransaction>();
        var forB = new List<LedgerTransaction>();
        for (var i = 1; i <= count; i++)
        {
            var (a, b) = _workload.Next();
            forA.AddRange(a);
            forB.AddRange(b);
            if (i % RecordBatchSize == 0 || i == count)
            {
                await nodeA.RecordAsync(forA);
                await nodeB.RecordAsync(forB);
                forA.Clear();
                forB.Clear();
                progress.Report(i, count);
            }
        }

        progress.Complete(count);
    }

    private static async Task PrintMetricsAsync(SampleNode node, ReconciliationRun run)
    {
        var monitor = node.Monitor;
        var counts = await monitor.GetCountsAsync();
        var failed = await monitor.GetFailedPartiesAsync();
        var withDifferences = await monitor.GetPartiesWithDifferencesAsync();
        var status = await monitor.GetReconciliationStatusAsync(Parties.PartyB);
        Console.WriteLine($"  LedgerGraphIsInitialized                  {monitor.LedgerGraphIsInitialized.ToString().ToLowerInvariant()}");
        Console.WriteLine($"  LedgerGraphIsSelfConsistent               {monitor.LedgerGraphIsSelfConsistent.ToString().ToLowerInvariant()}");
        Console.WriteLine($"  LedgerGraphErrors                         [{string.Join(", ", monitor.LedgerGraphErrors.Take(5))}]");
        Console.WriteLine($"  NumberOfScheduledReconciliations          {counts.Scheduled}");
        Console.WriteLine($"  NumberOfReconciliationsInProgress         {counts.InProgress}");
        Console.WriteLine($"  NumberOfFailedReconciliations             {counts.Failed}");
        Console.WriteLine($"  NumberOfReconciliationsWithDifferences    {counts.WithDifferences}");
        Console.WriteLine($"  NumberOfReconciliationsWithoutDifferences {counts.WithoutDifferences}");
        Console.WriteLine($"  FailedParties                             [{string.Join("; ", failed)}]");
        Console.WriteLine($"  PartiesWithDifference                     [{string.Join("; ", withDifferences)}]");
        Console.WriteLine($"  ReconciliationStatus(PartyB)              {status?.LastReconciliationStatus?.ToName() ?? "null"}");
        Console.WriteLine($"  ledger graph transactions                 {node.Graph.Count:N0}");
        Console.WriteLine($"  the run's traffic (A's side)              {run.Exchanges} exchange{(run.Exchanges == 1 ? string.Empty : "s")}, {run.BytesSent + run.BytesReceived:N0} bytes");
    }

    private bool Check(HashSet<TransactionId> found, HashSet<TransactionId> trulyMissing, ReconciliationStatus? refreshed)
    {
        var privateToBAndC = _workload.PrivateToBAndC.ToHashSet();
        var notFound = trulyMissing.Where(id => !found.Contains(id)).ToList();
        var unexpected = found.Where(id => !trulyMissing.Contains(id)).ToList();
        var leaked = found.Where(privateToBAndC.Contains).ToList();
        var backChain = trulyMissing.Count - options.Missing;

        Console.WriteLine($"  A lost {trulyMissing.Count:N0} transactions ({options.Missing:N0} shared with B{(backChain > 0 ? $", {backChain:N0} of B's history with C in their back-chains" : string.Empty)})");
        Console.WriteLine($"  the reconciliation found {found.Count:N0}: {found.Count - unexpected.Count:N0} of them lost, {unexpected.Count:N0} not lost");
        Console.WriteLine($"  B–C transactions A never took part in: {privateToBAndC.Count:N0}; reported to A: {leaked.Count:N0}");
        var ok = notFound.Count == 0 && unexpected.Count == 0 && leaked.Count == 0;
        foreach (var id in notFound.Take(10))
        {
            Console.WriteLine($"  lost but not found: {id}");
        }

        foreach (var id in unexpected.Take(10))
        {
            Console.WriteLine($"  found but not lost: {id}{(privateToBAndC.Contains(id) ? " (private to B and C!)" : string.Empty)}");
        }

        if (refreshed?.LastReconciliationStatus != ReconciliationState.DifferencesNotFound || refreshed.LastSuccessfulReconciliationResult.Count != 0)
        {
            Console.WriteLine($"  after recovery and refresh the status is {refreshed?.LastReconciliationStatus?.ToName() ?? "null"} with {refreshed?.LastSuccessfulReconciliationResult.Count ?? 0} IDs; expected DIFFERENCES_NOT_FOUND with none");
            ok = false;
        }

        return ok;
    }

    /// <summary>
    /// B's recovery limits. The defaults (30 transactions per request, 30 requests and 3,000,000 bytes per hour per
    /// party) serve 900 transactions an hour; beyond that the requester waits for the next window, by design. For a
    /// larger <c>--missing</c> the sample raises them (1000 per request, 100000 requests an hour, 10,000,000 bytes a
    /// minute) so that the walkthrough ends in minutes, and says so.
    /// </summary>
    private bool RaisesLimits => options.Missing * 11 / 10 > DefaultLimitsPerHour;

    private void ResponderLimits(LedgerSyncOptions o)
    {
        if (RaisesLimits)
        {
            o.MaxAllowedTransactions = 1000;
            o.MaxAllowedRequests = 100_000;
            o.MaxAllowedSizeInBytes = 10_000_000;
            o.TimeWindowForMaxAllowedSize = TimeSpan.FromMinutes(1);
        }
    }

    private static async Task<RecoveryStatus?> WaitForRecoveryAsync(SampleNode nodeA)
    {
        var deadline = Stopwatch.StartNew();
        var reported = 0;
        while (true)
        {
            var status = await nodeA.Recovery.GetRecoveryStatusForPartyAsync(Parties.PartyB);
            if (status is null || status.State.IsEnded() || deadline.Elapsed > RunTimeout)
            {
                return status;
            }

            var done = status.RecoveredCount + status.RejectedCount + status.RefusedCount;
            if (done >= reported + 100)
            {
                reported = done;
                Console.WriteLine($"  {status.State.ToName()}: {done:N0} of {status.RequestedCount:N0} ({status.BytesRecovered:N0} bytes)");
            }

            await Task.Delay(25);
        }
    }

    private static bool CheckRecovery(RecoveryStatus? recovery, HashSet<TransactionId> trulyMissing, HashSet<TransactionId> idsBeforeDisaster, HashSet<TransactionId> idsAfterRecovery)
    {
        var stillMissing = idsBeforeDisaster.Count(id => !idsAfterRecovery.Contains(id));
        var extra = idsAfterRecovery.Count(id => !idsBeforeDisaster.Contains(id));
        Console.WriteLine($"  the recovery: {recovery?.State.ToName() ?? "none"}, {recovery?.RecoveredCount ?? 0:N0} recovered, {recovery?.RejectedCount ?? 0:N0} rejected, {recovery?.RefusedCount ?? 0:N0} refused");
        Console.WriteLine($"  A's ledger against its state before the disaster: {stillMissing:N0} still missing, {extra:N0} it never had");
        var ok = recovery is { State: RecoveryState.Finished, RejectedCount: 0, RefusedCount: 0 }
            && recovery.RecoveredCount == trulyMissing.Count
            && stillMissing == 0
            && extra == 0;
        if (!ok && recovery?.Error is { } error)
        {
            Console.WriteLine($"  recovery error: {error}");
        }

        return ok;
    }

    /// <summary>The seed's layout, with only the first ten IDs of a long result.</summary>
    private static string FormatTrimmed(ReconciliationStatus? status)
    {
        const int Shown = 10;
        if (status is null || status.LastSuccessfulReconciliationResult.Count <= Shown)
        {
            return new GetReconciliationStatusForPartyFlowResult(status).ToString();
        }

        var ids = status.LastSuccessfulReconciliationResult;
        var text = new GetReconciliationStatusForPartyFlowResult(status with { LastSuccessfulReconciliationResult = [.. ids.Take(Shown)] }).ToString();
        var last = ids[Shown - 1].ToString();
        return $"(lastSuccessfulReconciliationResult holds {ids.Count:N0} IDs; the first {Shown} are shown)\n" +
            text.Replace(last + "\n    ]", $"{last},\n        ... {ids.Count - Shown:N0} more\n    ]", StringComparison.Ordinal);
    }

    private static string Listening(SampleNode node) => node.Address is { } address ? $", listening on {address}" : string.Empty;

    private void Step(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"== {++_step}. {title}");
    }

    /// <summary>What the reconciliation produced.</summary>
    private sealed class ReconciliationRun
    {
        public HashSet<TransactionId>? Found { get; set; }

        public int Exchanges { get; set; }

        public long BytesSent { get; set; }

        public long BytesReceived { get; set; }

        public TimeSpan Duration { get; set; }

        public DateTimeOffset? ReleasedAt { get; set; }

        public Task<string?>? Dump { get; set; }
    }
}
