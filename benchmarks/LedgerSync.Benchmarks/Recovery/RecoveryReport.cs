using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LedgerSync.Ledger;
using LedgerSync.Recovery;

namespace LedgerSync.Benchmarks.Recovery;

/// <summary>
/// The recovery report:
/// <c>dotnet run -c Release --project benchmarks/LedgerSync.Benchmarks -- recovery [--transactions N] [--size BYTES] [--scenario all|defaults|raised|paced|outside] [--observe SECONDS] [--json]</c>.
/// Two nodes over loopback HTTPS (<see cref="RecoveryBenchmarkNodes"/>); A lost <c>N</c> transactions of <c>BYTES</c>
/// each that B holds, and recovers them with <c>RecoverTransactionsFlow</c>:
/// <list type="bullet">
/// <item><c>defaults</c>: B's default limits (30 per request, 30 requests and 3,000,000 bytes per hour). They serve 900
/// transactions an hour by design, so the run is watched for <c>--observe</c> seconds and the report says how far it got
/// and how long the whole would take.</item>
/// <item><c>raised</c>: the most the limits allow (1000 per request, 100000 requests per hour, 10,000,000 bytes per
/// minute): the whole recovery, its time and bytes, every payload verified.</item>
/// <item><c>paced</c>: lowered limits (10 per request, 5 requests per minute; 100 transactions): the number of
/// requests and the elapsed time follow the limits.</item>
/// <item><c>outside</c>: A asks for 1000 IDs of B's business with C (outside A's relevant set): none is served.</item>
/// </list>
/// </summary>
internal static class RecoveryReport
{
    [Report("recovery")]
    public static int Run(string[] args)
    {
        var transactions = 10_000;
        var size = 1024;
        var scenario = "all";
        var observe = 90;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--transactions" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 1_000_000:
                    transactions = n;
                    i++;
                    break;
                case "--size" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s is >= 128 and <= 1_000_000:
                    size = s;
                    i++;
                    break;
                case "--scenario" when i + 1 < args.Length && args[i + 1] is "all" or "defaults" or "raised" or "paced" or "outside":
                    scenario = args[++i];
                    break;
                case "--observe" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var o) && o is > 0 and <= 36_000:
                    observe = o;
                    i++;
                    break;
                case "--json":
                    json = true;
                    break;
                default:
                    Console.Error.WriteLine($"recovery: bad argument '{args[i]}'");
                    Console.Error.WriteLine("usage: recovery [--transactions N (1-1000000)] [--size BYTES (128-1000000)] [--scenario all|defaults|raised|paced|outside] [--observe SECONDS] [--json]");
                    return 2;
            }
        }

        var results = new List<RecoveryRunResult>();
        if (scenario is "all" or "raised")
        {
            results.Add(RunAsync("raised", transactions, size, RaisedLimits, outside: false, TimeSpan.FromMinutes(30)).GetAwaiter().GetResult());
        }

        if (scenario is "all" or "paced")
        {
            results.Add(RunAsync("paced", 100, size, PacedLimits, outside: false, TimeSpan.FromMinutes(10)).GetAwaiter().GetResult());
        }

        if (scenario is "all" or "outside")
        {
            results.Add(RunAsync("outside", 1000, size, RaisedLimits, outside: true, TimeSpan.FromMinutes(5)).GetAwaiter().GetResult());
        }

        if (scenario is "all" or "defaults")
        {
            results.Add(RunAsync("defaults", transactions, size, _ => { }, outside: false, TimeSpan.FromSeconds(observe)).GetAwaiter().GetResult());
        }

        foreach (var result in results)
        {
            Console.WriteLine(json ? JsonSerializer.Serialize(result) : result.Describe());
        }

        return results.All(r => r.Ok) ? 0 : 1;
    }

    private static void RaisedLimits(LedgerSyncOptions o)
    {
        o.MaxAllowedTransactions = 1000;
        o.MaxAllowedRequests = 100_000;
        o.MaxAllowedSizeInBytes = 10_000_000;
        o.TimeWindowForMaxAllowedSize = TimeSpan.FromMinutes(1);
    }

    private static void PacedLimits(LedgerSyncOptions o)
    {
        o.MaxAllowedTransactions = 10;
        o.MaxAllowedRequests = 5;
        o.TimeWindowForMaxAllowedRequests = TimeSpan.FromMinutes(1);
        o.TimeWindowForMaxAllowedSize = TimeSpan.FromMinutes(1);
    }

    private static async Task<RecoveryRunResult> RunAsync(string name, int count, int size, Action<LedgerSyncOptions> limits, bool outside, TimeSpan watch)
    {
        var random = new Random(16);
        var ledgerOfB = new List<(TransactionMetadata Metadata, byte[] Payload)>(count * 2);
        var lost = new List<TransactionId>(count);
        var privateToBAndC = new List<TransactionId>(count);
        for (var i = 0; i < count; i++)
        {
            var (id, payload) = BenchmarkTransactionCodec.Create(random, size, RecoveryBenchmarkNodes.A, RecoveryBenchmarkNodes.B);
            ledgerOfB.Add((new TransactionMetadata(id, [], [RecoveryBenchmarkNodes.A, RecoveryBenchmarkNodes.B]), payload));
            lost.Add(id);
            if (outside)
            {
                var (other, otherPayload) = BenchmarkTransactionCodec.Create(random, size, RecoveryBenchmarkNodes.B, RecoveryBenchmarkNodes.C);
                ledgerOfB.Add((new TransactionMetadata(other, [], [RecoveryBenchmarkNodes.B, RecoveryBenchmarkNodes.C]), otherPayload));
                privateToBAndC.Add(other);
            }
        }

        await using var nodes = await RecoveryBenchmarkNodes.StartAsync(ledgerOfB, limits);
        var asked = outside ? privateToBAndC : lost;
        var started = Stopwatch.GetTimestamp();
        var queued = await nodes.Recovery.RecoverTransactionsAsync(RecoveryBenchmarkNodes.B, asked);
        RecoveryStatus? status = queued;
        while (Stopwatch.GetElapsedTime(started) < watch)
        {
            status = await nodes.Recovery.GetRecoveryStatusForPartyAsync(RecoveryBenchmarkNodes.B);
            if (status is null || status.State.IsEnded())
            {
                break;
            }

            await Task.Delay(20);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var payloads = ledgerOfB.ToDictionary(t => t.Metadata.Id, t => t.Payload);
        var verified = nodes.Sink.Stored.Count(s => TransactionId.HashOf(s.Value) == s.Key && payloads.TryGetValue(s.Key, out var original) && original.AsSpan().SequenceEqual(s.Value));
        var leaked = privateToBAndC.Count(nodes.Sink.Stored.ContainsKey);
        return new RecoveryRunResult
        {
            Scenario = name,
            Requested = asked.Count,
            PayloadBytes = size,
            State = status?.State.ToName() ?? "none",
            Recovered = status?.RecoveredCount ?? 0,
            Rejected = status?.RejectedCount ?? 0,
            Refused = status?.RefusedCount ?? 0,
            Verified = verified,
            LeakedOutsideRelevantSet = leaked,
            PayloadMessagesReceived = nodes.Transport.Payloads,
            RefusedItemMessages = nodes.Transport.RefusedItems,
            Requests = nodes.Transport.Requests,
            Sessions = nodes.Transport.Sessions,
            BytesRecovered = status?.BytesRecovered ?? 0,
            TcpBytesSent = nodes.Tcp.Written,
            TcpBytesReceived = nodes.Tcp.Read,
            ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 2),
            Error = status?.Error,
        };
    }
}
