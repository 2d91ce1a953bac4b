using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using LedgerSync.Transport.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Configures a Kestrel endpoint for LedgerSync sessions: HTTP/2 over TLS with a client certificate checked by LedgerSync.</summary>
public static class LedgerSyncHttpsListenOptionsExtensions
{
    /// <summary>
    /// Makes <paramref name="listenOptions"/> an HTTP/2-only TLS endpoint that presents this node's certificate (with its
    /// intermediates) and asks every client for a certificate. The certificate is validated during the handshake
    /// against the LedgerSync HTTP options (pinned, or chaining to a configured root through the intermediates the
    /// client sends) and the outcome is bound to the connection: the LedgerSync endpoint takes the requester's identity
    /// from there and nowhere else. A client with no or an untrusted certificate completes the handshake but every
    /// session it opens is refused (401/403) with the reason, so its operator sees why; other endpoints mapped on the
    /// same listener must check <c>HttpContext.Connection.ClientCertificate</c> themselves (or use a separate
    /// listener). Needs <c>UseHttpTransport()</c> in the application's services.
    /// </summary>
    /// <param name="listenOptions">The Kestrel endpoint.</param>
    /// <returns>The endpoint, for chaining.</returns>
    public static ListenOptions UseLedgerSyncHttps(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        var services = listenOptions.ApplicationServices;
        var security = services.GetRequiredService<HttpTransportSecurity>();
        var options = services.GetRequiredService<IOptions<LedgerSyncHttpOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LedgerSyncSessionEndpoint).FullName!);
        var proxies = new HashSet<string>(options.TrustedProxyCertificateThumbprints.Select(PeerCertificateValidator.NormalizeThumbprint), StringComparer.Ordinal);
        var trustProxies = options.ClientIdentity == LedgerSyncClientIdentity.TrustedProxy;
        listenOptions.Protocols = HttpProtocols.Http2;
        listenOptions.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = context =>
            {
                var connection = context.Connection;
                connection.Features.Set(PeerConnectionIdentity.Refused(null, "no client certificate was presented in the TLS handshake."));
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = security.CertificateContext,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
#pragma warning disable CA5359 // Not an accept-anything callback: the certificate is validated here and the verdict bound to the connection; the endpoint refuses every session of an unauthenticated connection with the reason.
                    RemoteCertificateValidationCallback = (_, presented, chain, _) =>
                    {
                        var identity = Identify(presented, chain);
                        connection.Features.Set(identity);
                        if (identity.Refusal is { } reason)
                        {
                            HttpsListenLog.ClientCertificateRefusedInHandshake(logger, connection.RemoteEndPoint?.ToString() ?? "unknown", reason);
                        }

                        // The handshake goes on either way: the endpoint refuses the sessions of an unauthenticated
                        // connection with the reason, which the TLS layer cannot carry.
                        return true;
                    },
#pragma warning restore CA5359
                });
            },
        });
        return listenOptions;

        PeerConnectionIdentity Identify(X509Certificate? presented, X509Chain? chain)
        {
            if (presented is null)
            {
                return PeerConnectionIdentity.Refused(null, "no client certificate was presented in the TLS handshake.");
            }

            var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
            if (trustProxies && proxies.Contains(PeerCertificateValidator.Sha256Thumbprint(certificate)))
            {
                return PeerConnectionIdentity.TrustedProxy(certificate);
            }

            return security.Validator.TryValidate(certificate, chain, asServer: false, out var party, out var reason)
                ? PeerConnectionIdentity.Authenticated(certificate, party)
                : PeerConnectionIdentity.Refused(certificate, reason);
        }
    }
}
