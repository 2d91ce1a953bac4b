namespace LedgerSync.Ledger;

/// <summary>
/// One node of the ledger graph, stored by value in chunked arrays (48 bytes). A node is either a transaction the
/// ledger holds or a placeholder for a dependency that has not been seen (yet).
/// </summary>
internal struct TransactionEntry
{
    /// <summary>The transaction's ID.</summary>
    public TransactionId Id;

    /// <summary>Where the node's dependency indices start in the dependency pool.</summary>
    public int DependencyOffset;

    /// <summary>How many dependencies the node has.</summary>
    public int DependencyCount;

    /// <summary>The index of the node's interned participant set, or -1 for a placeholder.</summary>
    public int ParticipantSet;

    /// <summary>Whether the ledger holds the transaction (false: a placeholder for a missing dependency).</summary>
    public bool IsPresent;
}
