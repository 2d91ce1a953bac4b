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
}
