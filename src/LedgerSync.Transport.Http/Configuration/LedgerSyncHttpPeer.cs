namespace LedgerSync.Transport.Http;

/// <summary>One entry of the peer directory: a party and the base address of its LedgerSync endpoint.</summary>
public sealed class LedgerSyncHttpPeer
{
    /// <summary>The peer's X.500 party name, for example <c>O=PartyB, L=New York, C=US</c>.</summary>
    public string Party { get; set; } = string.Empty;

    /// <summary>The peer's base address, for example <c>https://partyb.example:7443</c>; the endpoint path is appended.</summary>
    public Uri? Address { get; set; }
}
