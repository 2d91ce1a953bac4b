namespace LedgerSync.Protocol;

/// <summary>The first byte of every protocol message.</summary>
internal enum ProtocolMessageType : byte
{
    /// <summary>Requester → responder: version, relevant-set size, optionally a trace context. Also the first request for symbols.</summary>
    Hello = 1,

    /// <summary>Responder → requester: the protocol version, the sketch key and the responder's set size.</summary>
    Accepted = 2,

    /// <summary>Responder → requester: a typed refusal (busy, rate limit, not ready, version, identity).</summary>
    Refused = 3,

    /// <summary>Responder → requester: a run of consecutive coded symbols.</summary>
    Symbols = 4,

    /// <summary>Requester → responder: how many more symbols the responder may stream in the current exchange.</summary>
    Credit = 5,

    /// <summary>Requester → responder: decoded; stop streaming ("enough").</summary>
    Done = 6,

    /// <summary>Either side: the run is abandoned, with a reason.</summary>
    Abort = 7,

    /// <summary>Requester → responder: the current exchange ended undecoded; opens the next one with this many more symbols.</summary>
    NextExchange = 8,

    /// <summary>Requester → responder (once, when the first burst did not decode): a credit and the requester's difference estimator.</summary>
    DifferenceEstimate = 9,

    /// <summary>Responder → requester: the answer to <see cref="DifferenceEstimate"/>, how many symbols in all it streams in this exchange.</summary>
    Granted = 10,

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
