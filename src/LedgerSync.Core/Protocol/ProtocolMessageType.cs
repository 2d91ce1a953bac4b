namespace LedgerSync.Protocol;

/// <summary>The first byte of every protocol message.</summary>
internal enum ProtocolMessageType : byte
{
    /// <summary>Requester → responder: version, relevant-set size, optionally a trace context.</summary>
    Hello = 1,

    /// <summary>Responder → requester: the protocol version, the sketch key, the responder's set size (and its estimator when the sizes are equal).</summary>
    Accepted = 2,

    /// <summary>Responder → requester: a typed refusal (busy, rate limit, not ready, version, identity).</summary>
    Refused = 3,

    /// <summary>Requester → responder: the end of the current round, then a run of consecutive coded symbols.</summary>
    Symbols = 4,

    /// <summary>Responder → requester: the round did not decode; stream on to at least this index (with the responder's estimator, to size it).</summary>
    Credit = 5,

    /// <summary>Version 3 only ("done"); a version-4 node treats it as unexpected.</summary>
    Done = 6,

    /// <summary>Either side: the run is abandoned, with a reason.</summary>
    Abort = 7,

    /// <summary>Version 3 only; a version-4 node treats it as unexpected.</summary>
    NextExchange = 8,

    /// <summary>Requester → responder (once, before its first symbols): the requester's difference estimator.</summary>
    DifferenceEstimate = 9,

    /// <summary>Version 3 only; a version-4 node treats it as unexpected.</summary>
    Granted = 10,

    /// <summary>Responder → requester: decoded; the counts of the difference and the first of the IDs the requester lacks.</summary>
    Result = 11,

    /// <summary>Responder → requester: more of the IDs the requester lacks.</summary>
    ResultPart = 12,

    // Recovery (values from 32 up; see Recovery/RecoveryCodec.cs). A session whose first message is one of these is
    // handed to the recovery responder instead of the reconciliation responder.

    /// <summary>Recovery, requester → responder: version, claimed identity, the requester's maximum message size.</summary>
    RecoveryHello = 32,

    /// <summary>Recovery, responder → requester: admitted, with the responder's limits and what is left of them.</summary>
    RecoveryAccepted = 33,

    /// <summary>Recovery, responder → requester: a typed refusal of the session (version, identity, not ready, busy, rate limit, no payload source).</summary>
    RecoveryRefused = 34,

    /// <summary>Recovery, requester → responder: one request for up to <c>maxAllowedTransactions</c> transaction IDs.</summary>
    RecoveryRequest = 35,

    /// <summary>Recovery, responder → requester: the start of one transaction's payload (ID, total length, first chunk).</summary>
    RecoveryPayload = 36,

    /// <summary>Recovery, responder → requester: the next chunk of the payload being sent.</summary>
    RecoveryPayloadChunk = 37,

    /// <summary>Recovery, responder → requester: one requested ID is not served (nothing is said about why, beyond "too large").</summary>
    RecoveryItemRefused = 38,

    /// <summary>Recovery, responder → requester: the end of the answer to a request, and when to ask again if a limit cut it short.</summary>
    RecoveryBatchEnd = 39,

    /// <summary>Recovery, either side: the session is abandoned, with a reason.</summary>
    RecoveryAbort = 40,
}
