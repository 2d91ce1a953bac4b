using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;

namespace LedgerSync.Transport.Http;

/// <summary>
/// Settings of the HTTPS transport: this node's certificate, which certificates it trusts, where its peers are, and
/// (optionally) the addresses the self-hosted listener binds. Bound from the <c>LedgerSync:Http</c> configuration
/// section or set in code through <c>UseHttpTransport(o =&gt; ...)</c>; validated when the host starts.
/// </summary>
public sealed class LedgerSyncHttpOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "LedgerSync:Http";

    /// <summary>The default path of the session endpoint.</summary>
    public const string DefaultPath = "/ledgersync/v1/sessions";

    /// <summary>
    /// This node's certificate, with its private key: presented as the TLS server certificate by the listener and as
    /// the client certificate when this node opens sessions. Its subject must be this node's party name. When not set,
    /// it is loaded from <see cref="CertificatePath"/>.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>A PKCS#12 (<c>.pfx</c>) file, or a PEM certificate file (with <see cref="CertificateKeyPath"/>), holding this node's certificate.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private-key file that goes with a PEM <see cref="CertificatePath"/>.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of the PKCS#12 file or the encrypted PEM key, if any.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Certificate authorities whose (direct or indirect) subjects are trusted. A peer certificate is trusted when it
    /// chains to one of them (custom root trust; the operating system's store is not used).
    /// </summary>
    public IList<X509Certificate2> TrustedRootCertificates { get; } = [];

    /// <summary>PEM or DER files holding more trusted root certificates (added to <see cref="TrustedRootCertificates"/>).</summary>
    public IList<string> TrustedRootCertificatePaths { get; } = [];

    /// <summary>
    /// Pinned peer certificates, by SHA-256 thumbprint (64 hex digits, case and colons ignored). A pinned certificate is
    /// trusted without a chain, as long as it is within its validity period.
    /// </summary>
    public IList<string> TrustedCertificateThumbprints { get; } = [];

    /// <summary>Where each peer is reached: one entry per party.</summary>
    public IList<LedgerSyncHttpPeer> Peers { get; } = [];

    /// <summary>
    /// The addresses the self-hosted listener binds, such as <c>https://0.0.0.0:7443</c> or <c>https://127.0.0.1:0</c>
    /// (port 0 picks a free port). Empty (the default) means no listener: the host maps the endpoint into its own
    /// ASP.NET Core app with <c>MapLedgerSync()</c>.
    /// </summary>
    public IList<string> ListenUrls { get; } = [];

    /// <summary>The path of the session endpoint, on the listener and on peers. Default <c>/ledgersync/v1/sessions</c>.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9/_.~-]*$")]
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// How long opening a TCP connection to a peer may take. Default 10 seconds; 100 milliseconds to 10 minutes. Opening a
    /// whole session (connect, TLS handshake, the peer's answer) is in any case bounded by <c>LedgerSync:SessionTimeout</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the revocation status of peer certificates is checked online when validating a chain. Default
    /// <see cref="X509RevocationMode.NoCheck"/> (private networks rarely publish revocation lists; remove a peer by
    /// taking its certificate out of the trusted set).
    /// </summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>
    /// Intermediate CA certificates sent with this node's certificate in both directions of the TLS handshake, so a peer
    /// that trusts only the root can build the chain. Certificates after the first in a PEM <see cref="CertificatePath"/>
    /// (and the CA certificates of a PKCS#12 file) are added automatically.
    /// </summary>
    public IList<X509Certificate2> IntermediateCertificates { get; } = [];

    /// <summary>
    /// Where the endpoint takes a requester's identity from. Default <see cref="LedgerSyncClientIdentity.TlsHandshake"/>:
    /// only the certificate of this connection's own TLS handshake counts, and a host with certificate forwarding
    /// (<c>AddCertificateForwarding</c>) makes <c>MapLedgerSync()</c> refuse to start.
    /// </summary>
    public LedgerSyncClientIdentity ClientIdentity { get; set; } = LedgerSyncClientIdentity.TlsHandshake;

    /// <summary>
    /// In <see cref="LedgerSyncClientIdentity.TrustedProxy"/> mode, the SHA-256 thumbprints of the proxies' own client
    /// certificates: only a connection whose TLS handshake presented one of them may forward a client certificate.
    /// </summary>
    public IList<string> TrustedProxyCertificateThumbprints { get; } = [];

    /// <summary>
    /// The largest first message (the hello) the endpoint reads from a requester before the session is admitted, in
    /// bytes. A larger first frame is refused as soon as its length arrives, unread. Default 4 KiB (a hello is at most
    /// about 1 KiB); 256 bytes to 64 KiB.
    /// </summary>
    [Range(256, 64 * 1024)]
    public int MaxHelloSize { get; set; } = 4 * 1024;

    /// <summary>
    /// How long the endpoint waits, from the moment it accepts a session, for the whole hello; then it resets the
    /// stream. Default 5 seconds; 100 milliseconds to 10 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many sessions one requester (party) may have open with this node's endpoint at once; more are refused
    /// (HTTP 429) before anything of them is read. Default 2; 1 to 1000.
    /// </summary>
    [Range(1, 1000)]
    public int MaxSessionsPerParty { get; set; } = 2;

    /// <summary>
    /// How many sessions (HTTP/2 streams) one connection may carry at once; more are refused (HTTP 429) by the endpoint
    /// before anything of them is read (Kestrel's own stream limit, 100 by default, stays as the host set it). Default 8;
    /// 1 to 100.
    /// </summary>
    [Range(1, 100)]
    public int MaxSessionsPerConnection { get; set; } = 8;
}
