namespace LedgerSync;

/// <summary>A peer sent a message that breaks the protocol: malformed, truncated, oversized, out of order, or from a version this node does not speak.</summary>
public sealed class LedgerSyncProtocolException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public LedgerSyncProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public LedgerSyncProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
