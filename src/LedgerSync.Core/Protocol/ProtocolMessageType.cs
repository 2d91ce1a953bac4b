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

    /// <summary>Requester → responder: the exchange (batch) number and the index the responder may stream up to.</summary>
    Credit = 5,

    /// <summary>Requester → responder: decoded; stop streaming ("enough").</summary>
    Done = 6,

    /// <summary>Either side: the run is abandoned, with a reason.</summary>
    Abort = 7,
}
