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
}
