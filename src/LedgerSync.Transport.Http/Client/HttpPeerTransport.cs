using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Transport.Http;

/// <summary>
/// Opens sessions to peers over HTTPS (HTTP/2, mutual TLS): one POST per session whose request body carries this
/// node's messages and whose response body carries the peer's. Peers are found in the peer directory of
/// <see cref="LedgerSyncHttpOptions.Peers"/>; a peer's server certificate must be trusted and its subject must be the
/// party this node meant to reach.
/// </summary>
internal sealed partial class HttpPeerTransport : IPeerTransport, IAsyncDisposable
{
    private readonly LedgerSyncHttpOptions _options;
    private readonly IOptions<LedgerSyncOptions> _coreOptions;
    private readonly HttpTransportSecurity _security;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<HttpPeerTransport> _logger;
    private readonly ILogger<HttpPeerSession> _sessionLogger;
    private readonly Lazy<Dictionary<PartyName, Uri>> _directory;
    private readonly ConcurrentDictionary<PartyName, PeerClient> _clients = new();

    public HttpPeerTransport(
        IOptions<LedgerSyncHttpOptions> options,
        IOptions<LedgerSyncOptions> coreOptions,
        HttpTransportSecurity security,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _coreOptions = coreOptions;
        _security = security;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<HttpPeerTransport>();
        _sessionLogger = loggerFactory.CreateLogger<HttpPeerSession>();
        _directory = new(() => _options.Peers.Where(p => p.Address is not null).ToDictionary(p => PartyName.Parse(p.Party), p => p.Address!));
    }

    /// <summary>Wraps each new connection's network stream (tests and the wire report count TLS bytes with it).</summary>
    internal Func<Stream, Stream>? ConnectionStreamFilter { get; set; }

    /// <summary>Whether <see cref="LedgerSyncHttpOptions.Peers"/> has an address for <paramref name="party"/>.</summary>
    public bool CanReach(PartyName party) => party is not null && _directory.Value.ContainsKey(party);

    public async ValueTask<IPeerSession> OpenSessionAsync(PartyName counterparty, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counterparty);
        if (!_directory.Value.TryGetValue(counterparty, out var baseAddress))
        {
            throw new PeerConnectionException(counterparty, $"No address is configured for {counterparty}: add it to LedgerSync:Http:Peers.", isTransient: false, innerException: null);
        }

        var client = _clients.GetOrAdd(counterparty, party => new PeerClient(this, party));
        var address = new Uri(baseAddress, _options.Path);
        var content = new DuplexRequestContent();
        // The request (and its streaming content) lives as long as the session, which disposes it.
        var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };

        var abort = new CancellationTokenSource();
        HttpResponseMessage? response = null;
        var sessionTimeout = _coreOptions.Value.SessionTimeout;
        try
        {
            // The token given to SendAsync lives as long as the session (cancelling it resets the stream); opening the
            // session (connect, TLS handshake, the peer's response headers) is bounded by the session timeout as a whole,
            // the TCP connect alone also by the connect timeout.
            var send = client.Invoker.SendAsync(request, abort.Token);
            try
            {
                response = await send.WaitAsync(sessionTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _ = send.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                throw new PeerSessionTimeoutException(counterparty, $"the peer at {address.Authority} to accept the session", sessionTimeout);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await RefusalAsync(counterparty, address, response, cancellationToken).ConfigureAwait(false);
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var session = new ClientHttpPeerSession(
                counterparty, request, response, body, abort, _coreOptions.Value.MaxMessageSize, sessionTimeout, _timeProvider, _sessionLogger);
            Log.OutboundSessionOpened(_logger, counterparty, address);
            return session;
        }
        catch (Exception e)
        {
            content.Fail();
            await abort.CancelAsync().ConfigureAwait(false);
            response?.Dispose();
            request.Dispose();
            abort.Dispose();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var mapped = e switch
            {
                LedgerSyncException typed => typed,
                _ when client.TakeServerCertificateFailure() is { } reason => new PeerAuthenticationException(counterparty, reason, e),
                _ when Find<AuthenticationException>(e) is not null => new PeerAuthenticationException(
                    counterparty, $"the TLS handshake with {address.Authority} failed; check that it is {counterparty}'s LedgerSync endpoint and that both nodes trust each other's certificates.", e),
                _ when Find<TimeoutException>(e) is not null => new PeerConnectionException(
                    counterparty, $"Connecting to {counterparty} at {address.Authority} timed out after {_options.ConnectTimeout}; check that it is running and reachable (the run can be retried).", e),
                HttpRequestException or IOException or SocketException or OperationCanceledException => new PeerConnectionException(counterparty, DescribeConnectionFailure(counterparty, address, e), e),
                _ => null,
            };

            if (mapped is null)
            {
                throw;
            }

            Log.OutboundSessionFailed(_logger, e, counterparty, address, mapped.Message);
            if (ReferenceEquals(mapped, e))
            {
                throw;
            }

            throw mapped;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Invoker.Dispose();
        }

        _clients.Clear();
        return ValueTask.CompletedTask;
    }

    private static async Task<LedgerSyncException> RefusalAsync(PartyName counterparty, Uri address, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var detail = string.Empty;
        try
        {
            // Read a bounded amount of the refusal text; a hostile server cannot make this node buffer more.
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var disposeStream = stream.ConfigureAwait(false);
            var buffer = new byte[1024];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            detail = System.Text.Encoding.UTF8.GetString(buffer, 0, read).Trim();
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // No text; the status code says enough.
        }

        var status = (int)response.StatusCode;
        if (detail.Length == 0 || detail.Any(char.IsControl))
        {
            detail = response.ReasonPhrase ?? "no reason given";
        }

        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                new PeerAuthenticationException(counterparty, $"{counterparty} at {address.Authority} refused this node (HTTP {status}): {detail}"),
            HttpStatusCode.TooManyRequests =>
                new PeerConnectionException(counterparty, $"{counterparty} at {address.Authority} refused the session for now (HTTP 429): {detail}"),
            _ => new PeerConnectionException(counterparty, $"{counterparty} at {address} refused the session (HTTP {status}): {detail}"),
        };
    }

    /// <summary>What went wrong opening a connection, in operator terms: refused, unreachable, unresolvable, reset, not LedgerSync.</summary>
    private static string DescribeConnectionFailure(PartyName party, Uri address, Exception e)
    {
        var authority = address.Authority;
        var socket = Find<SocketException>(e);
        var error = Find<HttpRequestException>(e)?.HttpRequestError ?? HttpRequestError.Unknown;
        return (socket?.SocketErrorCode, error) switch
        {
            (SocketError.ConnectionRefused, _) =>
                $"{party} at {authority} refused the connection: nothing listens there. Check that {party} is running and that LedgerSync:Http:Peers has its address (the run can be retried).",
            (SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown, _) =>
                $"The connection to {party} at {authority} was reset while opening the session. Check that {party} is running and reachable (the run can be retried).",
            (SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain, _) or (_, HttpRequestError.NameResolutionError) =>
                $"The host name of {party} ({address.Host}) could not be resolved. Check LedgerSync:Http:Peers and DNS (the run can be retried).",
            (SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown or SocketError.HostDown or SocketError.TimedOut, _) =>
                $"{party} at {authority} cannot be reached from this node (no route or no answer). Check the network and firewalls between the nodes (the run can be retried).",
            (_, HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse or HttpRequestError.VersionNegotiationError) =>
                $"{party} at {authority} did not answer as a LedgerSync HTTP/2 endpoint. Check its address in LedgerSync:Http:Peers and that it serves LedgerSync there (the run can be retried).",
            (_, HttpRequestError.SecureConnectionError) =>
                $"{party} at {authority} closed the connection during the TLS handshake: it may not be a LedgerSync endpoint, or it may not trust this node's certificate. Check its address and both nodes' trust settings (the run can be retried).",
            _ =>
                $"The connection to {party} at {authority} was closed or reset while opening the session. Check that {party} is running and reachable (the run can be retried).",
        };
    }

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>One connection pool per peer, so its server-certificate check knows which party it must be.</summary>
    private sealed class PeerClient
    {
        private readonly HttpPeerTransport _owner;
        private readonly PartyName _party;
        private string? _serverCertificateFailure;

        public PeerClient(HttpPeerTransport owner, PartyName party)
        {
            _owner = owner;
            _party = party;
            var handler = new SocketsHttpHandler
            {
                ConnectTimeout = owner._options.ConnectTimeout,
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                SslOptions = new SslClientAuthenticationOptions
                {
                    // This node's certificate and its intermediates, so a peer that trusts only the root can build the chain.
                    ClientCertificateContext = owner._security.CertificateContext,
                    RemoteCertificateValidationCallback = ValidateServerCertificate,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                },
            };

            if (owner.ConnectionStreamFilter is { } filter)
            {
                handler.ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                        return filter(new NetworkStream(socket, ownsSocket: true));
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                };
            }

            Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        }

        public HttpMessageInvoker Invoker { get; }

        public string? TakeServerCertificateFailure() => Interlocked.Exchange(ref _serverCertificateFailure, null);

        private bool ValidateServerCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            // The operating system's verdict (errors) is ignored on purpose: trust comes from the configured roots or
            // pins, and identity from the subject, not from the host name the address happens to use.
            if (certificate is null)
            {
                return Fail("the server presented no certificate.");
            }

            var certificate2 = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (!_owner._security.Validator.TryValidate(certificate2, chain, asServer: true, out var party, out var reason))
            {
                return Fail(reason);
            }

            if (party != _party)
            {
                return Fail($"the server's certificate belongs to {party}, not to {_party}.");
            }

            return true;
        }

        private bool Fail(string reason)
        {
            Volatile.Write(ref _serverCertificateFailure, reason);
            Log.ServerCertificateRefused(_owner._logger, _party, reason);
            return false;
        }
    }
}
