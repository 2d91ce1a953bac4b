using LedgerSync;
using LedgerSync.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the LedgerSync session endpoint into an ASP.NET Core app.</summary>
public static class LedgerSyncEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the session endpoint (a POST at <paramref name="pattern"/>, default <see cref="LedgerSyncHttpOptions.Path"/>).
    /// The app's Kestrel endpoint must speak HTTP/2 over TLS and ask for client certificates, best with
    /// <c>listen.UseLedgerSyncHttps()</c>; the requester's identity is taken from that connection's TLS handshake only.
    /// </summary>
    /// <param name="endpoints">The app's endpoint route builder.</param>
    /// <param name="pattern">The route; by default the configured <see cref="LedgerSyncHttpOptions.Path"/>.</param>
    /// <returns>A builder to add conventions (such as a host filter) to the endpoint.</returns>
    /// <exception cref="LedgerSyncConfigurationException">
    /// The app enables certificate forwarding (<c>AddCertificateForwarding</c>), which lets a header replace the client
    /// certificate, and <see cref="LedgerSyncHttpOptions.ClientIdentity"/> is not <see cref="LedgerSyncClientIdentity.TrustedProxy"/>.
    /// </exception>
    public static IEndpointConventionBuilder MapLedgerSync(this IEndpointRouteBuilder endpoints, string? pattern = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var endpoint = services.GetService<LedgerSyncSessionEndpoint>()
            ?? throw new InvalidOperationException("MapLedgerSync() needs services.AddLedgerSync().UseHttpTransport(...) in the app's services.");
        var options = services.GetRequiredService<IOptions<LedgerSyncHttpOptions>>().Value;
        if (options.ClientIdentity != LedgerSyncClientIdentity.TrustedProxy && UsesCertificateForwarding(services))
        {
            throw new LedgerSyncConfigurationException(
                "MapLedgerSync(): this app enables certificate forwarding (AddCertificateForwarding), which lets a request header replace " +
                "the client certificate; LedgerSync takes a requester's identity only from the TLS handshake. Serve LedgerSync from a " +
                "host without certificate forwarding (or the self-hosted listener, LedgerSync:Http:ListenUrls), or, if every connection " +
                "comes through a TLS-terminating proxy you trust, set LedgerSync:Http:ClientIdentity = TrustedProxy and " +
                "LedgerSync:Http:TrustedProxyCertificateThumbprints.",
                "LedgerSync:Http:ClientIdentity");
        }

        pattern ??= options.Path;
        return endpoints.MapPost(pattern, (RequestDelegate)endpoint.HandleAsync).WithDisplayName("LedgerSync session");
    }

    private static bool UsesCertificateForwarding(IServiceProvider services) =>
        services.GetServices<IConfigureOptions<CertificateForwardingOptions>>().Any()
        || services.GetServices<IValidateOptions<CertificateForwardingOptions>>().Any();
}
