using System.Diagnostics;

namespace LedgerSync.Recovery;

/// <summary>Why a responder refuses a recovery session.</summary>
internal enum RecoveryRefusalReason : byte
{
    /// <summary>The requester speaks another recovery protocol version.</summary>
    UnsupportedVersion = 1,

    // 2 was the identity mismatch of version 1, whose hello claimed an identity; version 2 takes it from the transport only.

    /// <summary>The responder's ledger graph is initializing or not self-consistent.</summary>
    NotReady = 3,

    /// <summary>The responder already serves a recovery session from this party.</summary>
    AlreadyServing = 4,

    /// <summary>The existing per-party request rate limit (<c>maxAllowedReconciliationRequestsPerTimeWindow</c>) is reached.</summary>
    RateLimited = 5,

    /// <summary>The responder has no payload source: it serves no recoveries.</summary>
    NotServing = 6,
}

/// <summary>Why one requested ID is not served. Deliberately coarse: nothing tells an ID outside the relevant set from one not held.</summary>
internal enum RecoveryItemRefusal : byte
{
    /// <summary>Not served (outside the requester's relevant set, or not held).</summary>
    NotServed = 0,

    /// <summary>Larger than the responder's <c>maxAllowedSizeInBytes</c>: it can never be served over the network.</summary>
    TooLarge = 1,
}

/// <summary>Which limit cut a request's answer short.</summary>
internal enum RecoveryLimitKind : byte
{
    /// <summary>No limit: every ID of the request was answered.</summary>
    None = 0,

    /// <summary><c>maxAllowedRequests</c> per <c>timeWindowForMaxAllowedRequests</c>.</summary>
    Requests = 1,

    /// <summary><c>maxAllowedSizeInBytes</c> per <c>timeWindowForMaxAllowedSize</c>.</summary>
    Size = 2,
}

/// <summary>
/// The first message of a recovery session. It claims no identity: the responder uses the one the transport
/// authenticated, and nothing else.
/// </summary>
/// <param name="Version">The requester's recovery protocol version.</param>
/// <param name="MaxMessageSize">The requester's maximum message size.</param>
/// <param name="TraceContext">The requester's recovery span, so the responder's session span joins its trace; none when it is not traced.</param>
internal sealed record RecoveryHelloMessage(int Version, int MaxMessageSize, ActivityContext? TraceContext = null);

/// <summary>The responder's admission of a recovery session, with its limits and what is left of them for this party.</summary>
internal sealed record RecoveryAcceptedMessage(
    int MaxTransactionsPerRequest,
    int MaxSizeInBytes,
    TimeSpan SizeWindow,
    int MaxRequests,
    TimeSpan RequestsWindow,
    long RemainingBytes,
    int RemainingRequests);

/// <summary>A refusal of the session, with when to try again (zero: do not).</summary>
internal sealed record RecoveryRefusedMessage(RecoveryRefusalReason Reason, TimeSpan RetryAfter, string Detail);

/// <summary>The end of the answer to one request: how many of its IDs were answered, and if a limit stopped it, which and when to ask again.</summary>
internal sealed record RecoveryBatchEndMessage(int Answered, RecoveryLimitKind Limit, TimeSpan RetryAfter);

/// <summary>The start of one payload.</summary>
internal readonly record struct RecoveryPayloadHeader(TransactionId Id, long Length, ReadOnlyMemory<byte> FirstChunk);
