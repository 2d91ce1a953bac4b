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
}
