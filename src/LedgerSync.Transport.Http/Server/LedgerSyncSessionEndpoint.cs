using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Transport.Http;

/// <summary>
/// The server side of the session protocol: authenticates the client certificate, maps it to a party, and runs the
/// node's <see cref="IInboundSessionHandler"/> over the request and response bodies of one HTTP/2 stream.
/// </summary>
internal sealed partial class LedgerSyncSessionEndpoint
{
    private readonly IServiceProvider _services;
    private readonly HttpTransportSecurity _security;
    private readonly IOptions<LedgerSyncOptions> _coreOptions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LedgerSyncSessionEndpoint> _logger;
    private readonly ILogger<HttpPeerSession> _sessionLogger;

    public LedgerSyncSessionEndpoint(
        IServiceProvider services,
        HttpTransportSecurity security,
        IOptions<LedgerSyncOptions> coreOptions,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _services = services;
        _security = security;
        _coreOptions = coreOptions;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<LedgerSyncSessionEndpoint>();
        _sessionLogger = loggerFactory.CreateLogger<HttpPeerSession>();
    }

    /// <summary>Runs one inbound session.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!HttpProtocol.IsHttp2(context.Request.Protocol) || !context.Request.IsHttps)
        {
            Log.NotHttp2(_logger, remote, context.Request.Protocol);
            await RefuseAsync(context, StatusCodes.Status426UpgradeRequired, "LedgerSync sessions need HTTP/2 over TLS.").ConfigureAwait(false);
            return;
        }

        var certificate = await context.Connection.GetClientCertificateAsync(context.RequestAborted).ConfigureAwait(false);
        if (certificate is null)
        {
            Log.ClientCertificateMissing(_logger, remote);
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "A client certificate is required.").ConfigureAwait(false);
            return;
        }

        if (!_security.Validator.TryValidate(certificate, null, asServer: false, out var party, out var reason))
        {
            Log.ClientCertificateRefused(_logger, remote, reason);
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "The client certificate is not trusted.").ConfigureAwait(false);
            return;
        }

        var handler = _services.GetService<IInboundSessionHandler>();
        if (handler is null)
        {
            Log.NoInboundHandler(_logger, party);
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "This node does not answer LedgerSync sessions.").ConfigureAwait(false);
            return;
        }

        // A session is long-lived and may idle while the other side computes: the per-message limit and the session
        // timeout replace Kestrel's whole-body size limit and minimum data rates.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } requestRate)
        {
            requestRate.MinDataRate = null;
        }

        if (context.Features.Get<IHttpMinResponseDataRateFeature>() is { } responseRate)
        {
            responseRate.MinDataRate = null;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = SessionProtocol.ContentType;
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.BodyWriter.Write(SessionProtocol.Preamble);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);

        var options = _coreOptions.Value;
        var session = new ServerHttpPeerSession(context, party, options.MaxMessageSize, options.SessionTimeout, _timeProvider, _sessionLogger);
        var stopping = _services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        Log.InboundSessionAccepted(_logger, party, remote);
        try
        {
            await handler.HandleAsync(session, stopping).ConfigureAwait(false);
            if (!session.WasAborted)
            {
                // The handler may return without completing its side; end the response normally for it.
                await session.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            Log.InboundSessionFailed(_logger, party, e.Message);
            context.Abort();
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task RefuseAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }
}
