namespace LedgerSync.Recovery;

/// <summary>What an <see cref="IRecoveredTransactionSink"/> did with a transaction: accepted (stored, or already stored) or rejected with a reason.</summary>
public sealed record RecoveredTransactionResult
{
    private RecoveredTransactionResult(bool isAccepted, string? reason)
    {
        IsAccepted = isAccepted;
        Reason = reason;
    }

    /// <summary>The transaction is stored (now or before).</summary>
    public static RecoveredTransactionResult Accepted { get; } = new(true, null);

    /// <summary>Whether the transaction is stored.</summary>
    public bool IsAccepted { get; }

    /// <summary>Why the transaction was rejected (<see langword="null"/> when accepted).</summary>
    public string? Reason { get; }

    /// <summary>The transaction was not stored, for <paramref name="reason"/> (shown to operators; never put payload bytes in it).</summary>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is empty or white space.</exception>
    public static RecoveredTransactionResult Rejected(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new RecoveredTransactionResult(false, reason);
    }
}
