namespace LedgerSync.Ledger;

/// <summary>
/// The in-memory index of transaction metadata that reconciliation works from: whether it is ready, whether it is
/// self-consistent, and the relevant set of transactions for each counterparty.
/// </summary>
public interface ILedgerGraph
{
    /// <summary>Whether the initial load from the transaction source has finished.</summary>
    bool IsInitialized { get; }

    /// <summary>
    /// A task that completes when the initial load has finished (<see cref="IsInitialized"/> is <see langword="true"/>);
    /// already complete if it has. It completes even if the graph is not self-consistent: the caller then checks
    /// <see cref="IsSelfConsistent"/> and <see cref="Errors"/>. A load that fails or is canceled does not complete it
    /// (the load may be started again).
    /// </summary>
    /// <param name="cancellationToken">Stops the wait (not the load).</param>
    /// <returns>A task that completes when the graph is initialized.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled first.</exception>
    Task WhenInitializedAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether every dependency is present, no ID is duplicated with different metadata, and there is no cycle.</summary>
    bool IsSelfConsistent { get; }

    /// <summary>The consistency errors found, each naming a transaction and what is wrong.</summary>
    IReadOnlyList<LedgerGraphError> Errors { get; }

    /// <summary>The number of transactions in the graph.</summary>
    long Count { get; }

    /// <summary>Whether the graph holds a transaction with this ID.</summary>
    bool Contains(TransactionId id);

    /// <summary>Records a newly stored transaction. Safe to call while the graph initializes; nothing is lost.</summary>
    void Record(TransactionMetadata transaction);

    /// <summary>
    /// The relevant set for <paramref name="counterparty"/>: every transaction in which both this node and the
    /// counterparty participate, plus the transitive closure of their dependencies. Kept current as transactions are recorded.
    /// </summary>
    IRelevantSet GetRelevantSet(PartyName counterparty);
}
