using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Diagnostics;

/// <content>Log messages of the health check.</content>
public sealed partial class LedgerSyncHealthCheck
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncEventId.HealthChanged, Level = LogLevel.Information, Message = "LedgerSync health changed from {PreviousStatus} to {Status}: {Description}")]
        public static partial void HealthChanged(ILogger logger, HealthStatus? previousStatus, HealthStatus status, string? description);
    }
}
