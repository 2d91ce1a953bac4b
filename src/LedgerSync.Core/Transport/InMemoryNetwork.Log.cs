using LedgerSync.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport;

public sealed partial class InMemoryNetwork
{
    [LoggerMessage(EventId = LedgerSyncEventId.InMemorySessionOpened, Level = LogLevel.Debug, Message = "In-memory session {SessionId} opened by {Opener} to {Acceptor}")]
    private static partial void LogSessionOpened(ILogger logger, long sessionId, PartyName opener, PartyName acceptor);

    [LoggerMessage(EventId = LedgerSyncEventId.InMemorySessionEndClosed, Level = LogLevel.Debug, Message = "In-memory session {SessionId}: {Party} closed its end")]
    private static partial void LogSessionEndClosed(ILogger logger, long sessionId, PartyName party);

    [LoggerMessage(EventId = LedgerSyncEventId.InMemorySessionKilled, Level = LogLevel.Information, Message = "In-memory session {SessionId} between {Opener} and {Acceptor} was killed")]
    private static partial void LogSessionKilled(ILogger logger, long sessionId, PartyName opener, PartyName acceptor);

    [LoggerMessage(EventId = LedgerSyncEventId.InMemoryMessageIntercepted, Level = LogLevel.Debug, Message = "In-memory session {SessionId}: message {Sequence} from {From} to {To} was {How} by the interceptor")]
    private static partial void LogMessageLost(ILogger logger, long sessionId, int sequence, PartyName from, PartyName to, string how);

    [LoggerMessage(EventId = LedgerSyncEventId.InMemoryInboundHandlerFailed, Level = LogLevel.Error, Message = "In-memory session {SessionId}: the inbound handler of {Party} failed")]
    private static partial void LogHandlerFault(ILogger logger, Exception exception, long sessionId, PartyName party);
}
