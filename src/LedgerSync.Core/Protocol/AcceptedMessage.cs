using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>The responder's acceptance.</summary>
/// <param name="Version">The protocol version of the run.</param>
/// <param name="Key">The sketch key the requester must encode its set with.</param>
/// <param name="SetSize">The size of the responder's relevant set for the requester.</param>
/// <param name="InitialCredit">The symbols the responder streams right away (indices 0 to this, exclusive).</param>
/// <param name="SymbolCap">The most symbols the responder will ever send in this run.</param>
internal sealed record AcceptedMessage(int Version, SketchKey Key, long SetSize, long InitialCredit, long SymbolCap);
