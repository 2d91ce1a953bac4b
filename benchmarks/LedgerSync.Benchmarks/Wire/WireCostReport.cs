using System.Globalization;

namespace LedgerSync.Benchmarks.Wire;

/// <summary>
/// The wire-cost report:
/// <c>dotnet run -c Release --project benchmarks/LedgerSync.Benchmarks -- wire [--n N] [--d D[,D...]] [--split one-sided|two-sided|skewed] [--seed S] [--json] [--transport memory|http] [--latency MS] [--keys K] [--scenario protocol|direct]</c>.
/// Builds two random ID sets with <c>n</c> common IDs and <c>d</c> differences (one-sided: all on the responder's
/// side; two-sided: half each; skewed: three quarters on the responder's side), reconciles them through <see cref="Scenario"/> once per key (<c>--keys</c>, each run
/// under a new random sketch key) on a network with <c>--latency</c> ms one way, and prints p50/p90/max bytes against
/// the floor of 32 bytes per difference, the round trips the requester waited for, the share of bytes that arrived
/// after it had decoded, and the wall time.
/// </summary>
internal static class WireCostReport
{
    private static readonly int[] DefaultSweep = [1, 10, 100, 1_000, 10_000, 100_000];

    /// <summary>The way the two sides exchange bytes: the full protocol (<see cref="DirectSymbolExchangeScenario"/> measures the sketch core alone).</summary>
    internal static Func<IWireScenario> Scenario { get; set; } = () => new ProtocolScenario();

    [Report("wire")]
    public static int Run(string[] args)
    {
        if (!TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine("usage: wire [--n N] [--d D[,D...]] [--split one-sided|two-sided|skewed] [--seed S] [--json] [--transport memory|http] [--latency MS] [--keys K] [--scenario protocol|direct]");
            return 2;
        }

        IWireScenario scenario = options.Transport == "http" ? new HttpScenario() : options.Scenario switch
        {
            "direct" => new DirectSymbolExchangeScenario(),
            _ => Scenario(),
        };
        var sweep = options.D ?? DefaultSweep;
        var latency = TimeSpan.FromMilliseconds(options.LatencyMs);
        if (!options.Json)
        {
            Console.WriteLine($"wire cost: {scenario.Name}; n = {options.N:N0}, split = {options.Split}, seed = {options.Seed}, latency = {options.LatencyMs} ms one way, keys = {options.Keys}");
            Console.WriteLine(
                $"{"d",8} {"p50 bytes",11} {"p90 bytes",11} {"max bytes",11} {"32*d",10} {"p90/32d",7} {"target",11} {"past",6} {"sym/d",6} {"exch",4} {"rt p50",6} {"rt max",6} {"rt<=3",6} {"after%",6} {"wall ms",8} {"req ms",8} {"resp ms",8} decoded");
        }

        var allDecoded = true;
        var random = new Random(options.Seed);
        var common = RandomIds(random, options.N);
        foreach (var d in sweep)
        {
            var responderOnlyCount = options.Split switch
            {
                "two-sided" => d - (d / 2),
                "skewed" => d - (d / 4),
                _ => d,
            };
            var requesterOnlyCount = d - responderOnlyCount;
            var responderOnly = RandomIds(random, responderOnlyCount);
            var requesterOnly = RandomIds(random, requesterOnlyCount);
            var requesterIds = (TransactionId[])[.. common, .. requesterOnly];
            var responderIds = (TransactionId[])[.. common, .. responderOnly];
            var runs = new List<WireRunResult>(options.Keys);
            var decoded = true;
            for (var key = 0; key < options.Keys; key++)
            {
                // Every run builds a new responder, so its warm encoder gets a new random sketch key.
                var result = scenario.Run(new WireRunInput(requesterIds, responderIds, options.Seed + d + key, latency));
                decoded &= result.RemoteOnly is { } learned
                    && learned.Count == responderOnly.Length
                    && learned.ToHashSet().SetEquals(responderOnly)
                    && (result.LocalOnlyCount is null || result.LocalOnlyCount == requesterOnly.Length);
                runs.Add(result);
            }

            allDecoded &= decoded;
            var bytes = runs.Select(r => r.RequesterBytes + r.ResponderBytes).Order().ToArray();
            var roundTrips = runs.Select(r => r.RoundTrips ?? 0).Order().ToArray();
            var after = runs.Select(r => r.BytesAfterDecoded ?? 0).ToArray();
            var afterShare = (double)after.Sum() / bytes.Sum();
            var withinThree = (double)roundTrips.Count(r => r <= 3) / roundTrips.Length;
            var lowerBound = 32L * d;
            var target = (1.6 * lowerBound) + 128;
            var pastTarget = (double)bytes.Count(b => b > target) / bytes.Length;
            var (p50, p90, max) = (Percentile(bytes, 0.5), Percentile(bytes, 0.9), bytes[^1]);
            var wall = Median(runs.Select(r => r.WallMs));
            var requesterMs = Median(runs.Select(r => r.RequesterMs));
            var responderMs = Median(runs.Select(r => r.ResponderMs));
            var symbols = runs.Where(r => r.Symbols is not null).Select(r => (double)r.Symbols!.Value).DefaultIfEmpty(double.NaN).Average();
            var exchanges = runs.Max(r => r.Exchanges);
            if (options.Json)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{{\"n\":{options.N},\"d\":{d},\"split\":\"{options.Split}\",\"latencyMs\":{options.LatencyMs},\"keys\":{options.Keys},\"bytes\":{p50},\"bytesP50\":{p50},\"bytesP90\":{p90},\"bytesMax\":{max},\"lowerBoundBytes\":{lowerBound},\"ratio\":{(double)p50 / lowerBound:0.####},\"pastTarget\":{pastTarget:0.####},\"exchanges\":{exchanges},\"roundTrips\":{Percentile(roundTrips, 0.5)},\"roundTripsP99\":{Percentile(roundTrips, 0.99)},\"roundTripsMax\":{roundTrips[^1]},\"roundTripsWithinThree\":{withinThree:0.###},\"wallMs\":{wall:0.###},\"bytesAfterDecoded\":{Percentile(after.Order().ToArray(), 0.5)},\"bytesAfterDecodedShare\":{afterShare:0.####},\"requesterMs\":{requesterMs:0.###},\"responderMs\":{responderMs:0.###},\"decoded\":{(decoded ? "true" : "false")}}}"));
            }
            else
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{d,8:N0} {p50,11:N0} {p90,11:N0} {max,11:N0} {lowerBound,10:N0} {(double)p90 / lowerBound,7:0.00} {target,11:N0} {pastTarget,6:P1} {symbols / d,6:0.00} {exchanges,4} {Percentile(roundTrips, 0.5),6} {roundTrips[^1],6} {withinThree,6:P1} {afterShare,6:P1} {wall,8:0.0} {requesterMs,8:0.0} {responderMs,8:0.0} {(decoded ? "yes" : "NO")}"));
            }
        }

        return allDecoded ? 0 : 1;
    }

    private static T Percentile<T>(T[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : Percentile(sorted, 0.5);
    }

    private static TransactionId[] RandomIds(Random random, int count)
    {
        var ids = new TransactionId[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = TransactionId.Random(random);
        }

        return ids;
    }

    private static bool TryParseCounts(string value, out int[] counts)
    {
        var parts = value.Split(',');
        counts = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] < 1)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParse(string[] args, out WireReportOptions options, out string error)
    {
        options = new WireReportOptions();
        error = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--json")
            {
                options = options with { Json = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"'{name}' needs a value.";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--n" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0:
                    options = options with { N = n };
                    break;
                case "--d" when TryParseCounts(value, out var counts):
                    options = options with { D = counts };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                case "--transport" when value is "memory" or "http":
                    options = options with { Transport = value };
                    break;
                case "--latency" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var latency) && latency <= 10_000:
                    options = options with { LatencyMs = latency };
                    break;
                case "--keys" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var keys) && keys >= 1:
                    options = options with { Keys = keys };
                    break;
                case "--scenario" when value is "protocol" or "direct":
                    options = options with { Scenario = value };
                    break;
                case "--split" when value is "one-sided" or "two-sided" or "skewed":
                    options = options with { Split = value };
                    break;
                default:
                    error = $"Unknown option or bad value: '{name} {value}'.";
                    return false;
            }
        }

        return true;
    }
}
