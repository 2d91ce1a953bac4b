using System.Security.Authentication;
using LedgerSync.Transport.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Configures a Kestrel endpoint for LedgerSync sessions: HTTP/2 over TLS with a required, trusted client certificate.</summary>
public static class LedgerSyncHttpsListenOptionsExtensions
{
    /// <summary>
    /// Makes <paramref name="listenOptions"/> an HTTP/2-only TLS endpoint that presents this node's certificate and
    /// requires a client certificate trusted by the LedgerSync HTTP options (pinned or chaining to a configured root);
    /// other certificates are refused during the TLS handshake. Needs <c>UseHttpTransport()</c> in the application's
    /// services.
    /// </summary>
    /// <param name="listenOptions">The Kestrel endpoint.</param>
    /// <returns>The endpoint, for chaining.</returns>
    public static ListenOptions UseLedgerSyncHttps(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        var security = listenOptions.ApplicationServices.GetRequiredService<HttpTransportSecurity>();
        var logger = listenOptions.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LedgerSyncSessionEndpoint).FullName!);
        listenOptions.Protocols = HttpProtocols.Http2;
        listenOptions.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = security.Certificate,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CheckCertificateRevocation = false,
            ClientCertificateValidation = (certificate, chain, policyErrors) =>
            {
                if (security.Validator.TryValidate(certificate, chain, asServer: false, out _, out var reason))
                {
                    return true;
                }

                HttpsListenLog.ClientCertificateRefusedInHandshake(logger, reason);
                return false;
            },
        });
        return listenOptions;
    }
}
