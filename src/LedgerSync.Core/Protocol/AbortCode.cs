namespace LedgerSync.Protocol;

/// <summary>Why a side abandoned a run (sent in an <see cref="ProtocolMessageType.Abort"/> message).</summary>
internal enum AbortCode : byte
{
    /// <summary>The peer broke the protocol (malformed, out-of-order or unexpected message).</summary>
    ProtocolViolation = 1,

    /// <summary>The peer asked for more than the limits allow (symbols, rounds).</summary>
    LimitExceeded = 2,

    /// <summary>The side failed for a reason of its own (timeout, stop, internal error).</summary>
    Failed = 3,

    /// <summary>A message could not fit in the maximum message size (followed by the size needed and the limit).</summary>
    MessageTooLarge = 4,

    /// <summary>
    /// The sender cannot use this run's sketch key: two IDs of its set share a short ID under it. The responder gives the
    /// counterparty a new key for its next run.
    /// </summary>
    KeyRejected = 5,
}
