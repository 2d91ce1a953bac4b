using Microsoft.Extensions.Logging;

namespace LedgerSync.Diagnostics;

/// <content>Log messages of the in-flight dump.</content>
public sealed partial class InFlightDumper
{
    private static partial class Log
    {
        [LoggerMessage(EventId = LedgerSyncEventId.InFlightDumpWritten, Level = LogLevel.Information, Message = "Wrote the in-flight dump {Path} with {RunCount} reconciliations")]
        public static partial void DumpWritten(ILogger logger, string path, int runCount);
    }
}
