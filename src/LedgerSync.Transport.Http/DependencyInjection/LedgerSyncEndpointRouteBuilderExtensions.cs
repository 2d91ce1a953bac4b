using LedgerSync.Transport.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the LedgerSync session endpoint into an ASP.NET Core app.</summary>
public static class LedgerSyncEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the session endpoint (a POST at <paramref name="pattern"/>, default <see cref="LedgerSyncHttpOptions.Path"/>).
    /// The app's Kestrel endpoint must speak HTTP/2 over TLS and ask for client certificates, for example with
    /// <c>listen.UseLedgerSyncHttps()</c>; the endpoint itself refuses a session without a trusted client certificate.
    /// </summary>
    /// <param name="endpoints">The app's endpoint route builder.</param>
    /// <param name="pattern">The route; by default the configured <see cref="LedgerSyncHttpOptions.Path"/>.</param>
    /// <returns>A builder to add conventions (such as a host filter) to the endpoint.</returns>
    public static IEndpointConventionBuilder MapLedgerSync(this IEndpointRouteBuilder endpoints, string? pattern = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = endpoints.ServiceProvider.GetService<LedgerSyncSessionEndpoint>()
            ?? throw new InvalidOperationException("MapLedgerSync() needs services.AddLedgerSync().UseHttpTransport(...) in the app's services.");
        pattern ??= endpoints.ServiceProvider.GetRequiredService<IOptions<LedgerSyncHttpOptions>>().Value.Path;
        return endpoints.MapPost(pattern, (RequestDelegate)endpoint.HandleAsync).WithDisplayName("LedgerSync session");
    }
}
