using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

/// <summary>Log messages of the TLS endpoint configuration.</summary>
internal static partial class HttpsListenLog
{
    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "Refused a client certificate during the TLS handshake: {Reason}")]
    public static partial void ClientCertificateRefusedInHandshake(ILogger logger, string reason);
}
