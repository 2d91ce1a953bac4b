namespace LedgerSync.Transport.Http;

/// <summary>Where the LedgerSync endpoint takes a requester's identity from (<see cref="LedgerSyncHttpOptions.ClientIdentity"/>).</summary>
public enum LedgerSyncClientIdentity
{
    /// <summary>
    /// Only the client certificate of this connection's own TLS handshake with Kestrel. Headers and middleware cannot
    /// change it; a request carrying a forwarded client-certificate header is refused.
    /// </summary>
    TlsHandshake = 0,

    /// <summary>
    /// A TLS-terminating proxy forwards the requester's certificate (ASP.NET Core certificate forwarding). The proxy must
    /// itself connect with mutual TLS using a certificate listed in
    /// <see cref="LedgerSyncHttpOptions.TrustedProxyCertificateThumbprints"/>; the forwarded certificate is then
    /// validated like any peer certificate. Use it only when every connection to the endpoint comes through that proxy.
    /// </summary>
    TrustedProxy = 1,
}
