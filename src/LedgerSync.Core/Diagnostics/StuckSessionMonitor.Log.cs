using Microsoft.Extensions.Logging;

namespace LedgerSync.Diagnostics;

/// <content>Log messages of the stuck-session monitor.</content>
public sealed partial class StuckSessionMonitor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncEventId.RunWaitingForPeer, Level = LogLevel.Warning, Message = "Reconciliation {RunId} has been waiting {Seconds} seconds for messages from {Party} (this node is the {Role})")]
        public static partial void WaitingForPeer(ILogger logger, Guid runId, long seconds, string party, string role);

        [LoggerMessage(EventId = LedgerSyncEventId.RunConnecting, Level = LogLevel.Warning, Message = "Reconciliation {RunId} has been connecting to {Party} for {Seconds} seconds (this node is the {Role})")]
        public static partial void Connecting(ILogger logger, Guid runId, long seconds, string party, string role);

        [LoggerMessage(EventId = LedgerSyncEventId.RunNoProgress, Level = LogLevel.Warning, Message = "Reconciliation {RunId} has made no progress with {Party} for {Seconds} seconds although the session is alive (this node is the {Role})")]
        public static partial void NoProgress(ILogger logger, Guid runId, long seconds, string party, string role);
    }
}
