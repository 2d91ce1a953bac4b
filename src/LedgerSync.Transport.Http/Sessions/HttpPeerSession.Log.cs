using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

internal abstract partial class HttpPeerSession
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncHttpEventId.OversizeMessageRefused, Level = LogLevel.Warning, Message = "{Party} announced a message of {Size} bytes, more than the maximum message size of {Limit} bytes; the session is closed without reading it")]
        public static partial void OversizeFrameRefused(ILogger logger, PartyName party, uint size, int limit);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.SessionTimedOut, Level = LogLevel.Warning, Message = "The session with {Party} timed out ({Direction}) after {Timeout}")]
        public static partial void SessionTimedOut(ILogger logger, PartyName party, string direction, TimeSpan timeout);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.SessionAborted, Level = LogLevel.Debug, Message = "The session with {Party} was aborted before both sides completed it")]
        public static partial void SessionAborted(ILogger logger, PartyName party);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.ConnectionClosed, Level = LogLevel.Information, Message = "The connection to {Party} was closed or reset while {Activity}")]
        public static partial void SessionBroken(ILogger logger, Exception exception, PartyName party, string activity);

        [LoggerMessage(EventId = LedgerSyncHttpEventId.PreAdmissionLimitReached, Level = LogLevel.Warning, Message = "Closed a session from {Party} before admission: {Reason}")]
        public static partial void PreAdmissionLimitHit(ILogger logger, PartyName party, string reason);
    }
}
