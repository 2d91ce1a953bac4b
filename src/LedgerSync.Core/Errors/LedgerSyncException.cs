namespace LedgerSync;

/// <summary>The base of every error LedgerSync raises on purpose. Cancellation is never wrapped in it.</summary>
public class LedgerSyncException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LedgerSyncException()
    {
    }

    /// <summary>Creates the exception with a message an operator can act on.</summary>
    public LedgerSyncException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public LedgerSyncException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether the failure is expected to pass by itself (the peer is busy, briefly unreachable), so the scheduler
    /// retries the run with back-off until <see cref="LedgerSyncOptions.MaxReconciliationRetryAttemptTimeout"/> instead
    /// of failing it at once. <see langword="false"/> unless a subclass says otherwise.
    /// </summary>
    public virtual bool IsTransient => false;
}
