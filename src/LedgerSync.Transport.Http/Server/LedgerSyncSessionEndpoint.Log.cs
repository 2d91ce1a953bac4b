using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

internal sealed partial class LedgerSyncSessionEndpoint
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncHttpEventId.InboundSessionAccepted, Level = LogLevel.Debug, Message = "Accepted a session from {Party} ({RemoteAddress})")]
        public static partial void InboundSessionAccepted(ILogger logger, PartyName party, string remoteAddress);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.ClientCertificateMissing, Level = LogLevel.Warning, Message = "Refused a session from {RemoteAddress}: no client certificate")]
        public static partial void ClientCertificateMissing(ILogger logger, string remoteAddress);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.ClientCertificateRefused, Level = LogLevel.Warning, Message = "Refused a session from {RemoteAddress}: {Reason}")]
        public static partial void ClientCertificateRefused(ILogger logger, string remoteAddress, string reason);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.NotHttp2OverTls, Level = LogLevel.Warning, Message = "Refused a session from {RemoteAddress}: it uses {Protocol}, LedgerSync needs HTTP/2 over TLS")]
        public static partial void NotHttp2(ILogger logger, string remoteAddress, string protocol);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.NoInboundHandler, Level = LogLevel.Error, Message = "Refused a session from {Party}: no IInboundSessionHandler is registered (call AddLedgerSync())")]
        public static partial void NoInboundHandler(ILogger logger, PartyName party);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.InboundSessionFailed, Level = LogLevel.Warning, Message = "The inbound session from {Party} failed: {Reason}")]
        public static partial void InboundSessionFailed(ILogger logger, Exception exception, PartyName party, string reason);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.SessionLimitReached, Level = LogLevel.Warning, Message = "Refused a session from {Party} ({RemoteAddress}) before reading it: the limit of {Limit} {LimitName} is reached")]
        public static partial void SessionLimitHit(ILogger logger, PartyName party, string remoteAddress, string limitName, int limit);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.ForwardedCertificateRefused, Level = LogLevel.Warning, Message = "Refused a session from {RemoteAddress}: it carries the forwarded client-certificate header {Header}, and this node takes identity only from the TLS handshake")]
        public static partial void ForwardedCertificateRefused(ILogger logger, string remoteAddress, string header);
    }
}
