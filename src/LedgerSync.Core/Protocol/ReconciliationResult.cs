namespace LedgerSync.Protocol;

/// <summary>The outcome of a successful outgoing reconciliation.</summary>
/// <param name="Missing">Relevant transactions the counterparty has and this node lacks (each checked absent locally).</param>
/// <param name="LocalOnlyCount">How many relevant transactions this node has that the counterparty lacks (for information; the counterparty learns nothing).</param>
/// <param name="Exchanges">The number of request/response exchanges used.</param>
/// <param name="BytesSent">Bytes this node sent, headers included.</param>
/// <param name="BytesReceived">Bytes this node received, headers included.</param>
internal sealed record ReconciliationResult(
    IReadOnlyList<TransactionId> Missing,
    long LocalOnlyCount,
    int Exchanges,
    long BytesSent,
    long BytesReceived)
{
    /// <summary>
    /// The round trips the run waited for, the hello and its answer included: each time this node had to wait for an
    /// answer to something it sent, with nothing it had asked for still on the way.
    /// </summary>
    public int RoundTrips { get; init; }

    /// <summary>Bytes received after the difference was decoded (symbols already on the way when "done" was sent).</summary>
    public long BytesAfterDecoded { get; init; }

    /// <summary>The state this result is recorded as.</summary>
    public ReconciliationState State => Missing.Count > 0 ? ReconciliationState.DifferencesFound : ReconciliationState.DifferencesNotFound;
}
