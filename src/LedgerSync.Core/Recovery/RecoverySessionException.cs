namespace LedgerSync.Recovery;

/// <summary>A recovery session ended without finishing: transient (try again after <see cref="RetryAfter"/> or a back-off) or not.</summary>
internal sealed class RecoverySessionException(string message, bool isTransient, TimeSpan? retryAfter = null, Exception? innerException = null)
    : LedgerSyncException(message, innerException)
{
    public override bool IsTransient { get; } = isTransient;

    /// <summary>When the responder said to try again, if it did.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
