using LedgerSync.Dashboard;
using LedgerSync.Dashboard.Data;
using LedgerSync.Dashboard.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the LedgerSync dashboard's pages and actions.</summary>
public static class LedgerSyncDashboardEndpointRouteBuilderExtensions
{
    /// <summary>The default path of the dashboard: <c>/ledgersync</c>.</summary>
    public const string DefaultPath = "/ledgersync";

    /// <summary>
    /// Maps the dashboard under <paramref name="path"/>: the overview, the parties table, a page per party, the live
    /// runs, and the actions (POST, antiforgery-protected). Every endpoint requires
    /// <see cref="LedgerSyncDashboardOptions.AuthorizationPolicy"/> (the default policy when unset) unless
    /// <see cref="LedgerSyncDashboardOptions.AllowAnonymous"/> is set, which logs a warning now. Requires
    /// <c>services.AddLedgerSync()</c> and <c>services.AddLedgerSyncDashboard()</c>; with a policy, also authentication
    /// and authorization (<c>AddAuthentication(...)</c>, <c>AddAuthorization()</c>).
    /// </summary>
    /// <param name="endpoints">The application's endpoint route builder.</param>
    /// <param name="path">A literal path starting with <c>/</c>, without route parameters; default <see cref="DefaultPath"/>.</param>
    /// <returns>The group of the dashboard's endpoints, to add conventions (for example a CORS or rate-limiting policy).</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a literal path.</exception>
    /// <exception cref="InvalidOperationException">The dashboard's or LedgerSync's services are not registered.</exception>
    public static IEndpointConventionBuilder MapLedgerSyncDashboard(this IEndpointRouteBuilder endpoints, string path = DefaultPath)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(path);
        var prefix = path.TrimEnd('/');
        if (!path.StartsWith('/') || path.AsSpan().IndexOfAny("{}?#*") >= 0 || path.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The dashboard path must be a literal path starting with '/', such as {DefaultPath}; got '{path}'.", nameof(path));
        }

        var services = endpoints.ServiceProvider;
        if (services.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(LedgerSyncNodeActions)))
        {
            throw new InvalidOperationException("The LedgerSync dashboard's services are not registered: call services.AddLedgerSyncDashboard() (after services.AddLedgerSync()).");
        }

        try
        {
            _ = services.GetRequiredService<LedgerSyncNodeReader>();
            _ = services.GetRequiredService<LedgerSyncNodeActions>();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"The LedgerSync dashboard needs the node's LedgerSync services: call services.AddLedgerSync() first. {e.Message}", e);
        }

        var options = services.GetRequiredService<IOptions<LedgerSyncDashboardOptions>>().Value;
        var group = endpoints.MapGroup(prefix.Length == 0 ? "/" : prefix);
        if (options.AllowAnonymous)
        {
            group.AllowAnonymous();
            var logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("LedgerSync.Dashboard");
            DashboardLog.AnonymousAccess(logger, prefix.Length == 0 ? "/" : prefix);
        }
        else if (options.AuthorizationPolicy is { } policy)
        {
            group.RequireAuthorization(policy);
        }
        else
        {
            group.RequireAuthorization();
        }

        group.ExcludeFromDescription();
        DashboardEndpoints.Map(group, prefix);
        return group;
    }
}
