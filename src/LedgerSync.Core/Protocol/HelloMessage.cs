namespace LedgerSync.Protocol;

/// <summary>The requester's hello.</summary>
/// <param name="Version">The protocol version the requester speaks.</param>
/// <param name="ClaimedIdentity">Who the requester says it is (checked against the transport's authenticated counterparty, never trusted).</param>
/// <param name="SetSize">The size of the requester's relevant set for the responder.</param>
internal sealed record HelloMessage(int Version, string ClaimedIdentity, long SetSize);
