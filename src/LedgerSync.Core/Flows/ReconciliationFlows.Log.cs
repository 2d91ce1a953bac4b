using LedgerSync.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Flows;

/// <content>The flows' log messages (event IDs 1100–1199).</content>
public sealed partial class ReconciliationFlows
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncEventId.StatusesRefreshed, Level = LogLevel.Information, Message = "Refreshed reconciliation statuses: {Removed} transaction ID(s) are now present in the ledger and were dropped from stored results")]
        public static partial void Refreshed(ILogger logger, int removed);
    }
}
