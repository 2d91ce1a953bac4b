using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

internal sealed partial class HttpPeerTransport
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncHttpEventId.OutboundSessionOpened, Level = LogLevel.Debug, Message = "Opened a session with {Party} at {Address}")]
        public static partial void OutboundSessionOpened(ILogger logger, PartyName party, Uri address);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.OutboundSessionFailed, Level = LogLevel.Warning, Message = "Could not open a session with {Party} at {Address}: {Reason}")]
        public static partial void OutboundSessionFailed(ILogger logger, Exception exception, PartyName party, Uri address, string reason);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.ServerCertificateRefused, Level = LogLevel.Warning, Message = "Refused the server certificate presented for {Party}: {Reason}")]
        public static partial void ServerCertificateRefused(ILogger logger, PartyName party, string reason);
    }
}
