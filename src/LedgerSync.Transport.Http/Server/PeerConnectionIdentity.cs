using System.Security.Cryptography.X509Certificates;

namespace LedgerSync.Transport.Http;

/// <summary>
/// What this connection's own TLS handshake authenticated, captured by <c>UseLedgerSyncHttps()</c> while the handshake
/// runs and stored in the connection's features. The type is internal, so neither headers nor the host's middleware can
/// create or replace it (certificate forwarding replaces <c>ITlsConnectionFeature</c>, never this).
/// </summary>
internal sealed class PeerConnectionIdentity
{
    private int _sessions;

    private PeerConnectionIdentity(X509Certificate2? certificate, PartyName? party, string? refusal, bool isTrustedProxy)
    {
        Certificate = certificate;
        Party = party;
        Refusal = refusal;
        IsTrustedProxy = isTrustedProxy;
    }

    /// <summary>The certificate the client presented in the handshake, if any.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The party the certificate authenticates, when it is trusted.</summary>
    public PartyName? Party { get; }

    /// <summary>Why the certificate was not accepted (none, untrusted, not a party name), when <see cref="Party"/> is null.</summary>
    public string? Refusal { get; }

    /// <summary>Whether the certificate is a trusted proxy's (<see cref="LedgerSyncClientIdentity.TrustedProxy"/> mode).</summary>
    public bool IsTrustedProxy { get; }

    public static PeerConnectionIdentity Authenticated(X509Certificate2 certificate, PartyName party) => new(certificate, party, null, false);

    public static PeerConnectionIdentity TrustedProxy(X509Certificate2 certificate) => new(certificate, null, null, true);

    public static PeerConnectionIdentity Refused(X509Certificate2? certificate, string reason) => new(certificate, null, reason, false);

    /// <summary>Takes one of the connection's session slots, unless <paramref name="limit"/> are taken.</summary>
    public bool TryEnter(int limit)
    {
        while (true)
        {
            var current = Volatile.Read(ref _sessions);
            if (current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _sessions, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Leave() => Interlocked.Decrement(ref _sessions);
}
