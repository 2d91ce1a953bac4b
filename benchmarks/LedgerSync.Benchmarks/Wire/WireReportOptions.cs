namespace LedgerSync.Benchmarks.Wire;

/// <summary>The command-line options of the wire-cost report.</summary>
internal sealed record WireReportOptions(int N = 1_000_000, int? D = null, string Split = "one-sided", int Seed = 1, bool Json = false);
