using System.Diagnostics;

namespace LedgerSync.Protocol;

/// <summary>The requester's hello (version 3: no claimed identity, since the responder takes the identity from the transport).</summary>
/// <param name="Version">The protocol version the requester speaks.</param>
/// <param name="SetSize">The size of the requester's relevant set for the responder.</param>
/// <param name="TraceContext">
/// The requester's W3C trace context (trace ID, span ID, trace flags), sent only when the requester's current activity
/// is recorded, so the responder's run can join the requester's trace; <see langword="null"/> otherwise.
/// </param>
internal sealed record HelloMessage(int Version, long SetSize, ActivityContext? TraceContext = null);
