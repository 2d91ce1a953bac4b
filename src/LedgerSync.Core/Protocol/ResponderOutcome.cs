namespace LedgerSync.Protocol;

/// <summary>How the responder side of one session ended.</summary>
/// <param name="Admitted">Whether the request was admitted (took a pool slot).</param>
/// <param name="Error">The typed error that ended it, or <see langword="null"/> when it was served.</param>
/// <param name="Refusal">The refusal sent instead of serving, if any.</param>
internal sealed record ResponderOutcome(bool Admitted, LedgerSyncException? Error, RefusalReason? Refusal)
{
    public static ResponderOutcome Served { get; } = new(true, null, null);
}
