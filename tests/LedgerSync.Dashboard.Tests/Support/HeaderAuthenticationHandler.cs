using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Dashboard.Tests.Support;

/// <summary>
/// The test host's authentication: a request carrying <c>X-Test-Operator: name</c> (HTTP clients) or the cookie of the
/// same name (the browser, whose downloads carry cookies but not extra headers) is that user; any other request is
/// anonymous (and challenged with 401). Stands in for the host's real scheme (cookies, OpenID Connect, certificates).
/// </summary>
internal sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestHeader";
    public const string HeaderName = "X-Test-Operator";
    public const string CookieName = "X-Test-Operator";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var name = Request.Headers.TryGetValue(HeaderName, out var values) ? values.ToString() : Request.Cookies[CookieName];
        if (string.IsNullOrWhiteSpace(name))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
