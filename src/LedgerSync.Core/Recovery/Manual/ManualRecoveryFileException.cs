namespace LedgerSync.Recovery.Manual;

/// <summary>
/// A manual-recovery file cannot be imported as a whole: it is not a readable zip (truncated or damaged), its manifest
/// is missing or malformed, it lists entries the zip lacks or holds entries it does not list, an entry is larger than
/// the import reads, an entry name is not one the format uses, or it was exported for another node or by another party.
/// Problems of single transactions (a digest or ID that does not match) are not errors: they are rejected one by one.
/// </summary>
public sealed class ManualRecoveryFileException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong, for an operator.</param>
    public ManualRecoveryFileException(string path, string problem)
        : base($"The manual recovery file {path} cannot be imported: {problem}")
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
