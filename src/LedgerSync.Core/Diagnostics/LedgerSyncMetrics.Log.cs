using Microsoft.Extensions.Logging;

namespace LedgerSync.Diagnostics;

/// <content>Log messages of the metrics.</content>
public sealed partial class LedgerSyncMetrics
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncEventId.MetricsStatusReadFailed, Level = LogLevel.Warning, Message = "Could not read reconciliation statuses for the LedgerSync metrics; the outcome gauges keep their last values")]
        public static partial void StoreCountsRefreshFailed(ILogger logger, Exception exception);
    }
}
