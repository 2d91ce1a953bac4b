namespace LedgerSync;

/// <summary>The ledger graph is not initialized or not self-consistent, so reconciliation cannot start; fix the node first.</summary>
public sealed class LedgerGraphNotReadyException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public LedgerGraphNotReadyException(bool isInitialized, bool isSelfConsistent, IReadOnlyList<string> errors)
        : base(Describe(isInitialized, isSelfConsistent, errors))
    {
        IsInitialized = isInitialized;
        IsSelfConsistent = isSelfConsistent;
        Errors = errors;
    }

    /// <summary>Whether the graph had finished initializing.</summary>
    public bool IsInitialized { get; }

    /// <summary>Whether the graph was self-consistent.</summary>
    public bool IsSelfConsistent { get; }

    /// <summary>The graph errors (at most the first few), each naming a transaction and what is wrong.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Describe(bool isInitialized, bool isSelfConsistent, IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!isInitialized)
        {
            return "The ledger graph is still initializing; reconciliation can be scheduled once it has finished (see LedgerGraphIsInitialized).";
        }

        if (!isSelfConsistent)
        {
            var shown = string.Join("; ", errors.Take(5));
            return $"The ledger graph is not self-consistent ({errors.Count} error(s): {shown}). Restore the node to a consistent state before reconciling (see LedgerGraphErrors).";
        }

        return "The ledger graph is not ready.";
    }
}
