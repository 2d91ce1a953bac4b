using System.Globalization;

namespace LedgerSync.Benchmarks.Wire;

/// <summary>
/// The wire-cost report:
/// <c>dotnet run -c Release --project benchmarks/LedgerSync.Benchmarks -- wire [--n N] [--d D] [--split one-sided|two-sided] [--seed S] [--json]</c>.
/// Builds two random ID sets with <c>n</c> common IDs and <c>d</c> differences (one-sided: all on the responder's
/// side; two-sided: half each), reconciles them through <see cref="Scenario"/>, and prints the bytes each side sent
/// against the floor of 32 bytes per difference.
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
            Console.Error.WriteLine("usage: wire [--n N] [--d D] [--split one-sided|two-sided] [--seed S] [--json]");
            return 2;
        }

        var scenario = Scenario();
        var sweep = options.D is { } single ? [single] : DefaultSweep;
        if (!options.Json)
        {
            Console.WriteLine($"wire cost: {scenario.Name}; n = {options.N:N0}, split = {options.Split}, seed = {options.Seed}");
            Console.WriteLine(
                $"{"d",8} {"bytes",11} {"32*d",10} {"ratio",6} {"target",11} {"symbols",9} {"sym/d",6} {"exch",4} {"req ms",8} {"resp ms",8} decoded");
        }

        var allDecoded = true;
        var random = new Random(options.Seed);
        var common = RandomIds(random, options.N);
        foreach (var d in sweep)
        {
            var responderOnlyCount = options.Split == "two-sided" ? d - (d / 2) : d;
            var requesterOnlyCount = d - responderOnlyCount;
            var responderOnly = RandomIds(random, responderOnlyCount);
            var requesterOnly = RandomIds(random, requesterOnlyCount);
            var input = new WireRunInput([.. common, .. requesterOnly], [.. common, .. responderOnly], options.Seed + d);

            var result = scenario.Run(input);

            var decoded = result.RemoteOnly is { } learned
                && learned.Count == responderOnly.Length
                && learned.ToHashSet().SetEquals(responderOnly)
                && (result.LocalOnlyCount is null || result.LocalOnlyCount == requesterOnly.Length);
            allDecoded &= decoded;
            var bytes = result.RequesterBytes + result.ResponderBytes;
            var lowerBound = 32L * d;
            var ratio = (double)bytes / lowerBound;
            if (options.Json)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{{\"n\":{options.N},\"d\":{d},\"split\":\"{options.Split}\",\"bytes\":{bytes},\"lowerBoundBytes\":{lowerBound},\"ratio\":{ratio:0.####},\"exchanges\":{result.Exchanges},\"requesterMs\":{result.RequesterMs:0.###},\"responderMs\":{result.ResponderMs:0.###},\"decoded\":{(decoded ? "true" : "false")}}}"));
            }
            else
            {
                var target = (1.6 * lowerBound) + 512;
                var symbols = result.Symbols is { } s ? s.ToString("N0", CultureInfo.InvariantCulture) : "-";
                var perDifference = result.Symbols is { } t ? ((double)t / d).ToString("0.00", CultureInfo.InvariantCulture) : "-";
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{d,8:N0} {bytes,11:N0} {lowerBound,10:N0} {ratio,6:0.00} {target,11:N0} {symbols,9} {perDifference,6} {result.Exchanges,4} {result.RequesterMs,8:0.0} {result.ResponderMs,8:0.0} {(decoded ? "yes" : "NO")}"));
            }
        }

        return allDecoded ? 0 : 1;
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
                case "--d" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d >= 1:
                    options = options with { D = d };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                case "--split" when value is "one-sided" or "two-sided":
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
