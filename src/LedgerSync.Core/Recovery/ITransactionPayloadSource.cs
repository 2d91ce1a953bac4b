namespace LedgerSync.Recovery;

/// <summary>
/// The responder's plug-in for recovery: the payload of a transaction by ID, as the host stores it (for example its
/// serialized transaction). LedgerSync asks it only for IDs in the requester's relevant set, after checking that set
/// for the counterparty the transport authenticated, and streams the bytes to the requester in chunks that fit the
/// maximum message size. Called concurrently for different requesters, so it must be thread-safe.
/// </summary>
/// <remarks>
/// Register it with <c>.UseTransactionPayloadSource&lt;T&gt;()</c>. A node that never serves recoveries needs none:
/// without a source, every requested ID is refused.
/// </remarks>
public interface ITransactionPayloadSource
{
    /// <summary>
    /// Opens the payload of transaction <paramref name="id"/>, or returns <see langword="null"/> when this node does not
    /// hold it. The caller disposes the payload.
    /// </summary>
    /// <param name="id">The transaction's ID.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The payload with its length, or <see langword="null"/>.</returns>
    ValueTask<TransactionPayload?> OpenAsync(TransactionId id, CancellationToken cancellationToken = default);
}
