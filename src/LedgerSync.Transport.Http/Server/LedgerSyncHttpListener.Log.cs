using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

public sealed partial class LedgerSyncHttpListener
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncHttpEventId.ListenerStarted, Level = LogLevel.Information, Message = "LedgerSync HTTPS listener started on {Addresses} (path {Path})")]
        public static partial void ListenerStarted(ILogger logger, string addresses, string path);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.ListenerStopped, Level = LogLevel.Information, Message = "LedgerSync HTTPS listener stopped")]
        public static partial void ListenerStopped(ILogger logger);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.ListenerNotConfigured, Level = LogLevel.Debug, Message = "No LedgerSync:Http:ListenUrls configured; the self-hosted listener is not started (map the endpoint with MapLedgerSync())")]
        public static partial void ListenerNotConfigured(ILogger logger);
    }
}
