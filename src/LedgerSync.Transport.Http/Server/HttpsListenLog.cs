using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

/// <summary>Log messages of the TLS endpoint configuration.</summary>
internal static partial class HttpsListenLog
{
    [LoggerMessage(EventId = LedgerSyncHttpEventId.ClientNotAuthenticatedInHandshake, Level = LogLevel.Warning, Message = "The client at {RemoteAddress} is not authenticated by its TLS handshake; its sessions will be refused: {Reason}")]
    public static partial void ClientCertificateRefusedInHandshake(ILogger logger, string remoteAddress, string reason);
}
