using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>The responder's acceptance (version 2: the first burst and the symbol cap follow from the two set sizes, so they do not travel).</summary>
/// <param name="Version">The protocol version of the run.</param>
/// <param name="Key">The sketch key the requester must encode its set with.</param>
/// <param name="SetSize">The size of the responder's relevant set for the requester.</param>
internal sealed record AcceptedMessage(int Version, SketchKey Key, long SetSize);
