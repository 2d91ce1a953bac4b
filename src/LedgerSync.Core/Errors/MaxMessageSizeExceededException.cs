namespace LedgerSync;

/// <summary>A message would exceed the maximum message size and cannot be split further.</summary>
public sealed class MaxMessageSizeExceededException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public MaxMessageSizeExceededException(long size, long limit, string? what = null)
        : base($"{what ?? "A message"} needs {size} bytes, more than the maximum message size of {limit} bytes.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The size the message needed, in bytes.</summary>
    public long Size { get; }

    /// <summary>The configured maximum message size, in bytes.</summary>
    public long Limit { get; }
}
