namespace LedgerSync;

/// <summary>A configuration value or file is invalid. The message names the key (and line, for a file), the value and what is accepted.</summary>
public sealed class LedgerSyncConfigurationException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public LedgerSyncConfigurationException(string message, string? key = null, int? lineNumber = null)
        : base(message)
    {
        Key = key;
        LineNumber = lineNumber;
    }

    /// <summary>The configuration key at fault, if known.</summary>
    public string? Key { get; }

    /// <summary>The 1-based line number in a <c>.conf</c> file, if the error came from one.</summary>
    public int? LineNumber { get; }
}
