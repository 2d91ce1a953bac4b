namespace LedgerSync.Benchmarks.Wire;

/// <summary>The command-line options of the wire-cost report.</summary>
/// <param name="N">Common IDs.</param>
/// <param name="D">The difference counts to measure (<c>--d 3,5,7</c>) instead of the default sweep.</param>
/// <param name="Split">one-sided, two-sided or skewed.</param>
/// <param name="Seed">The seed of the sets.</param>
/// <param name="Json">One JSON object per row instead of the table.</param>
/// <param name="Transport">memory or http.</param>
/// <param name="LatencyMs">One-way latency of the in-memory network, in milliseconds.</param>
/// <param name="Keys">Runs per d, each under a new random sketch key (the rows give p50/p90/max over them).</param>
/// <param name="Scenario">protocol (the wire protocol) or direct (the sketch core alone).</param>
internal sealed record WireReportOptions(
    int N = 1_000_000,
    IReadOnlyList<int>? D = null,
    string Split = "one-sided",
    int Seed = 1,
    bool Json = false,
    string Transport = "memory",
    int LatencyMs = 0,
    int Keys = 1,
    string Scenario = "protocol");
