namespace LedgerSync.Ledger;

/// <summary>How far the ledger graph's initial load has come.</summary>
/// <param name="Loaded">The records read so far.</param>
/// <param name="Total">The number of records the source announced, or <see langword="null"/> if unknown.</param>
/// <param name="Elapsed">The time since the load started.</param>
/// <param name="IsComplete">Whether the load has finished.</param>
public readonly record struct LedgerGraphLoadProgress(long Loaded, long? Total, TimeSpan Elapsed, bool IsComplete)
{
    /// <summary>Records read per second so far.</summary>
    public double RatePerSecond => Elapsed > TimeSpan.Zero ? Loaded / Elapsed.TotalSeconds : 0;

    /// <summary>The percentage loaded (0–100), or <see langword="null"/> when the total is unknown.</summary>
    public double? Percent => Total is > 0 ? Math.Min(100, 100.0 * Loaded / Total.Value) : Total == 0 ? 100 : null;
}
