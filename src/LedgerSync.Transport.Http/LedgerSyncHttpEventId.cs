namespace LedgerSync.Transport.Http;

/// <summary>
/// The event IDs of the HTTPS transport's log messages (range 3000–3899), one named constant per event.
/// </summary>
public static class LedgerSyncHttpEventId
{
    // The client: opening sessions (3000–3009)

    /// <summary>Debug: <c>Opened a session with {Party} at {Address}</c></summary>
    public const int OutboundSessionOpened = 3000;

    /// <summary>Warning: <c>Could not open a session with {Party} at {Address}: {Reason}</c></summary>
    public const int OutboundSessionFailed = 3001;

    /// <summary>Warning: <c>Refused the server certificate presented for {Party}: {Reason}</c></summary>
    public const int ServerCertificateRefused = 3002;

    // The server: admitting sessions (3010–3019)

    /// <summary>Debug: <c>Accepted a session from {Party} ({RemoteAddress})</c></summary>
    public const int InboundSessionAccepted = 3010;

    /// <summary>Warning: <c>Refused a session from {RemoteAddress}: no client certificate</c></summary>
    public const int ClientCertificateMissing = 3011;

    /// <summary>Warning: <c>Refused a session from {RemoteAddress}: {Reason}</c></summary>
    public const int ClientCertificateRefused = 3012;

    /// <summary>Warning: <c>Refused a session from {RemoteAddress}: it uses {Protocol}, LedgerSync needs HTTP/2 over TLS</c></summary>
    public const int NotHttp2OverTls = 3013;

    /// <summary>Error: <c>Refused a session from {Party}: no IInboundSessionHandler is registered (call AddLedgerSync())</c></summary>
    public const int NoInboundHandler = 3014;

    /// <summary>Warning: <c>The inbound session from {Party} failed: {Reason}</c></summary>
    public const int InboundSessionFailed = 3015;

    /// <summary>Warning: <c>The client at {RemoteAddress} is not authenticated by its TLS handshake; its sessions will be refused: {Reason}</c></summary>
    public const int ClientNotAuthenticatedInHandshake = 3016;

    /// <summary>Warning: <c>Refused a session from {Party} ({RemoteAddress}) before reading it: the limit of {Limit} {LimitName} is reached</c></summary>
    public const int SessionLimitReached = 3017;

    /// <summary>Warning: <c>Refused a session from {RemoteAddress}: it carries the forwarded client-certificate header {Header}, and this node takes identity only from the TLS handshake</c></summary>
    public const int ForwardedCertificateRefused = 3018;

    // Sessions (3020–3029)

    /// <summary>Warning: <c>{Party} announced a message of {Size} bytes, more than the maximum message size of {Limit} bytes; the session is closed without reading it</c></summary>
    public const int OversizeMessageRefused = 3020;

    /// <summary>Warning: <c>The session with {Party} timed out ({Direction}) after {Timeout}</c></summary>
    public const int SessionTimedOut = 3021;

    /// <summary>Debug: <c>The session with {Party} was aborted before both sides completed it</c></summary>
    public const int SessionAborted = 3022;

    /// <summary>Information: <c>The connection to {Party} was closed or reset while {Activity}</c></summary>
    public const int ConnectionClosed = 3023;

    /// <summary>Warning: <c>Closed a session from {Party} before admission: {Reason}</c></summary>
    public const int PreAdmissionLimitReached = 3024;

    // The self-hosted listener (3030–3899)

    /// <summary>Information: <c>LedgerSync HTTPS listener started on {Addresses} (path {Path})</c></summary>
    public const int ListenerStarted = 3030;

    /// <summary>Information: <c>LedgerSync HTTPS listener stopped</c></summary>
    public const int ListenerStopped = 3031;

    /// <summary>Debug: <c>No LedgerSync:Http:ListenUrls configured; the self-hosted listener is not started (map the endpoint with MapLedgerSync())</c></summary>
    public const int ListenerNotConfigured = 3032;
}
