using Microsoft.Extensions.Logging;

namespace LedgerSync.Diagnostics;

/// <content>Log messages of the stuck-session monitor.</content>
public sealed partial class StuckSessionMonitor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "Reconciliation {RunId} has been waiting {Seconds} seconds for messages from {Party} (this node is the {Role})")]
        public static partial void WaitingForPeer(ILogger logger, Guid runId, long seconds, string party, string role);
    }
}
