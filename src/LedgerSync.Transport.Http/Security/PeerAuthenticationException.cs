namespace LedgerSync.Transport.Http;

/// <summary>
/// Mutual TLS failed with a peer: the peer's certificate is not trusted or does not belong to the party this node
/// meant to reach, or the peer refused this node's certificate. Check the trusted roots or pinned thumbprints on both
/// sides and that each node's certificate subject is its party name.
/// </summary>
public sealed class PeerAuthenticationException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public PeerAuthenticationException(PartyName party, string reason, Exception? innerException = null)
        : base($"Could not authenticate the session with {party}: {reason}", innerException)
    {
        Party = party;
        Reason = reason;
    }

    /// <summary>The party the session was meant for.</summary>
    public PartyName Party { get; }

    /// <summary>Why authentication failed.</summary>
    public string Reason { get; }
}
