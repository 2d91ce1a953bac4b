using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Transport.Http;

/// <summary>
/// The server side of the session protocol: takes the requester's identity from this connection's TLS handshake,
/// applies the per-party and per-connection session limits, and runs the node's <see cref="IInboundSessionHandler"/>
/// over the request and response bodies of one HTTP/2 stream, reading at most a hello's worth before admission.
/// </summary>
internal sealed partial class LedgerSyncSessionEndpoint
{
    /// <summary>Header names proxies commonly use to forward a client certificate (besides the one the host configures).</summary>
    private static readonly string[] ForwardedCertificateHeaders =
        ["X-Client-Cert", "X-ARR-ClientCert", "X-Forwarded-Client-Cert", "X-SSL-Client-Cert", "SSL-Client-Cert", "X-Client-Certificate"];

    private readonly IServiceProvider _services;
    private readonly HttpTransportSecurity _security;
    private readonly IOptions<LedgerSyncOptions> _coreOptions;
    private readonly LedgerSyncHttpOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly PartySessionLimiter _limiter = new();
    private readonly ILogger<LedgerSyncSessionEndpoint> _logger;
    private readonly ILogger<HttpPeerSession> _sessionLogger;
    private readonly Lazy<string[]> _forwardingHeaders;

    public LedgerSyncSessionEndpoint(
        IServiceProvider services,
        HttpTransportSecurity security,
        IOptions<LedgerSyncOptions> coreOptions,
        IOptions<LedgerSyncHttpOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _services = services;
        _security = security;
        _coreOptions = coreOptions;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<LedgerSyncSessionEndpoint>();
        _sessionLogger = loggerFactory.CreateLogger<HttpPeerSession>();
        _forwardingHeaders = new(() =>
        {
            var configured = services.GetService<IOptions<CertificateForwardingOptions>>()?.Value.CertificateHeader;
            return string.IsNullOrEmpty(configured) ? ForwardedCertificateHeaders : [configured, .. ForwardedCertificateHeaders];
        });
    }

    /// <summary>The session counts per party (tests read them).</summary>
    internal PartySessionLimiter Limiter => _limiter;

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

        var connection = context.Features.Get<PeerConnectionIdentity>();
        var (party, status, refusal) = Identify(context, connection, remote);
        if (party is null)
        {
            await RefuseAsync(context, status, refusal!).ConfigureAwait(false);
            return;
        }

        var handler = _services.GetService<IInboundSessionHandler>();
        if (handler is null)
        {
            Log.NoInboundHandler(_logger, party);
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "This node does not answer LedgerSync sessions.").ConfigureAwait(false);
            return;
        }

        // Limits are checked before anything of the request body is read.
        if (!_limiter.TryEnter(party, _options.MaxSessionsPerParty))
        {
            Log.SessionLimitHit(_logger, party, remote, "sessions per party", _options.MaxSessionsPerParty);
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests,
                $"{party} already has {_options.MaxSessionsPerParty} session(s) open with this node (LedgerSync:Http:MaxSessionsPerParty); retry when one has ended.").ConfigureAwait(false);
            return;
        }

        var connectionId = context.Connection.Id;
        try
        {
            var enteredConnection = connection?.TryEnter(_options.MaxSessionsPerConnection) ?? _limiter.TryEnterConnection(connectionId, _options.MaxSessionsPerConnection);
            if (!enteredConnection)
            {
                Log.SessionLimitHit(_logger, party, remote, "sessions per connection", _options.MaxSessionsPerConnection);
                await RefuseAsync(context, StatusCodes.Status429TooManyRequests,
                    $"This connection already carries {_options.MaxSessionsPerConnection} session(s) (LedgerSync:Http:MaxSessionsPerConnection); open more connections or retry later.").ConfigureAwait(false);
                return;
            }

            try
            {
                await RunAsync(context, handler, party, remote).ConfigureAwait(false);
            }
            finally
            {
                if (connection is not null)
                {
                    connection.Leave();
                }
                else
                {
                    _limiter.LeaveConnection(connectionId);
                }
            }
        }
        finally
        {
            _limiter.Leave(party);
        }
    }

    private async Task RunAsync(HttpContext context, IInboundSessionHandler handler, PartyName party, string remote)
    {
        // A session is long-lived and may idle while the other side computes: the per-message limit, the hello limit
        // and the timeouts replace Kestrel's whole-body size limit and minimum data rates.
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

        var options = _coreOptions.Value;
        var session = new ServerHttpPeerSession(
            context, party, options.MaxMessageSize, options.SessionTimeout, new PreAdmissionLimits(_options.MaxHelloSize, _options.HelloTimeout), _timeProvider, _sessionLogger);
        var stopping = _services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        try
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = SessionProtocol.ContentType;
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            context.Response.BodyWriter.Write(SessionProtocol.Preamble);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            Log.InboundSessionAccepted(_logger, party, remote);
            await handler.HandleAsync(session, stopping).ConfigureAwait(false);
            if (!session.WasAborted)
            {
                // The handler may return without completing its side; end the response normally for it.
                await session.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            Log.InboundSessionFailed(_logger, e, party, e is LedgerSyncException ? e.Message : "the connection was closed or reset");
            context.Abort();
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The requester's party, from what this connection's TLS handshake authenticated (or, in trusted-proxy mode, from
    /// the certificate a trusted proxy forwarded); otherwise the status and reason of the refusal, already logged.
    /// </summary>
    private (PartyName? Party, int Status, string? Refusal) Identify(HttpContext context, PeerConnectionIdentity? connection, string remote)
    {
        var trustedProxy = connection is { IsTrustedProxy: true } && _options.ClientIdentity == LedgerSyncClientIdentity.TrustedProxy;
        if (!trustedProxy && FindForwardedHeader(context.Request.Headers) is { } header)
        {
            Log.ForwardedCertificateRefused(_logger, remote, header);
            return (null, StatusCodes.Status403Forbidden,
                $"The request carries a forwarded client certificate ({header}); this node takes a requester's identity only from its own TLS handshake. Remove the header (or, for a trusted proxy, see LedgerSync:Http:ClientIdentity).");
        }

        X509Certificate2? certificate;
        if (trustedProxy)
        {
            // The forwarding middleware replaced the TLS feature of this request with the certificate the proxy forwarded.
            certificate = context.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
            if (certificate is null || ReferenceEquals(certificate, connection!.Certificate) || certificate.RawDataMemory.Span.SequenceEqual(connection.Certificate!.RawDataMemory.Span))
            {
                Log.ClientCertificateMissing(_logger, remote);
                return (null, StatusCodes.Status401Unauthorized, "The trusted proxy forwarded no client certificate.");
            }
        }
        else if (connection is not null)
        {
            if (connection.Party is { } authenticated)
            {
                return (authenticated, StatusCodes.Status200OK, null);
            }

            if (connection.Certificate is null || connection.IsTrustedProxy)
            {
                Log.ClientCertificateMissing(_logger, remote);
                return (null, StatusCodes.Status401Unauthorized,
                    connection.IsTrustedProxy
                        ? "The proxy's certificate is trusted only to forward client certificates (LedgerSync:Http:ClientIdentity = TrustedProxy)."
                        : "A client certificate is required: this connection's TLS handshake presented none.");
            }

            Log.ClientCertificateRefused(_logger, remote, connection.Refusal!);
            return (null, StatusCodes.Status403Forbidden, $"The client certificate is not trusted: {connection.Refusal}");
        }
        else if (context.Features.Get<ISslStreamFeature>()?.SslStream is { } tls)
        {
            // The host set up TLS itself: the certificate of this connection's handshake, read from its TLS stream.
            certificate = tls.RemoteCertificate switch
            {
                null => null,
                X509Certificate2 c => c,
                var c => X509CertificateLoader.LoadCertificate(c.GetRawCertData()),
            };
        }
        else
        {
            Log.ClientCertificateMissing(_logger, remote);
            return (null, StatusCodes.Status401Unauthorized, "This endpoint cannot see the connection's TLS handshake; configure the listener with UseLedgerSyncHttps().");
        }

        if (certificate is null)
        {
            Log.ClientCertificateMissing(_logger, remote);
            return (null, StatusCodes.Status401Unauthorized, "A client certificate is required: this connection's TLS handshake presented none.");
        }

        if (!_security.Validator.TryValidate(certificate, null, asServer: false, out var party, out var reason))
        {
            Log.ClientCertificateRefused(_logger, remote, reason);
            return (null, StatusCodes.Status403Forbidden, $"The client certificate is not trusted: {reason}");
        }

        return (party, StatusCodes.Status200OK, null);
    }

    private string? FindForwardedHeader(IHeaderDictionary headers)
    {
        foreach (var name in _forwardingHeaders.Value)
        {
            if (headers.ContainsKey(name))
            {
                return name;
            }
        }

        return null;
    }

    private static async Task RefuseAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }
}
