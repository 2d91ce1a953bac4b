namespace LedgerSync.Recovery;

/// <summary>One requested transaction of a recovery and its outcome: a row of the recovery's item table.</summary>
public sealed record RecoveryItem
{
    /// <summary>Its place in the recovery's list of requested IDs (0, 1, 2, ... in the order requested); the worker fetches in this order.</summary>
    public required int Position { get; init; }

    /// <summary>The requested transaction.</summary>
    public required TransactionId TransactionId { get; init; }

    /// <summary>What became of it.</summary>
    public RecoveryItemOutcome Outcome { get; init; }

    /// <summary>Why it was rejected or refused (<see langword="null"/> while pending, usually for recovered).</summary>
    public string? Reason { get; init; }

    /// <summary>The payload's size in bytes when recovered (0 otherwise, and 0 for a transaction this node already held).</summary>
    public long Bytes { get; init; }

    /// <summary>When the outcome was recorded.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}
