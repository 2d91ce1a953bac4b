namespace LedgerSync.Protocol;

/// <summary>The first byte of every protocol message.</summary>
internal enum ProtocolMessageType : byte
{
    /// <summary>Requester → responder: version, claimed identity, relevant-set size. Also the first request for symbols.</summary>
    Hello = 1,

    /// <summary>Responder → requester: the sketch key, the responder's set size, the initial credit and the symbol cap.</summary>
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
