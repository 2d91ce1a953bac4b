namespace LedgerSync.Benchmarks.Wire;

/// <summary>What one reconciliation sent and learned.</summary>
/// <param name="RequesterBytes">Every byte the requester sent (all messages, headers included).</param>
/// <param name="ResponderBytes">Every byte the responder sent.</param>
/// <param name="Exchanges">Request/response exchanges used.</param>
/// <param name="RequesterMs">CPU-side time spent in the requester's code.</param>
/// <param name="ResponderMs">Time spent in the responder's code.</param>
/// <param name="RemoteOnly">The IDs the requester learned it lacks; <see langword="null"/> if the run did not finish.</param>
/// <param name="LocalOnlyCount">How many IDs the requester learned only it has, if the scenario reports that.</param>
/// <param name="Symbols">Coded symbols the responder sent, if the scenario knows.</param>
/// <param name="RoundTrips">Round trips the requester waited for (hello and answer included), if the scenario knows.</param>
/// <param name="WallMs">Wall time of the run, in milliseconds.</param>
/// <param name="BytesAfterDecoded">Bytes the requester received after it had decoded, if the scenario knows.</param>
internal sealed record WireRunResult(
    long RequesterBytes,
    long ResponderBytes,
    int Exchanges,
    double RequesterMs,
    double ResponderMs,
    IReadOnlyCollection<TransactionId>? RemoteOnly,
    long? LocalOnlyCount,
    long? Symbols,
    int? RoundTrips = null,
    double WallMs = double.NaN,
    long? BytesAfterDecoded = null);
