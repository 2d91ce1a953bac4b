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
}
