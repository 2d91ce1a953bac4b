using LedgerSync.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Protocol;

internal sealed partial class ReconciliationInitiator
{
    [LoggerMessage(EventId = LedgerSyncEventId.RequesterRunFinished, Level = LogLevel.Information, Message = "Reconciliation {RunId} with {Party} finished: {Missing} transaction(s) missing here, {LocalOnly} only here, {Exchanges} exchange(s), {BytesSent} bytes sent, {BytesReceived} bytes received")]
    private static partial void LogFinished(ILogger logger, Guid runId, PartyName party, int missing, long localOnly, int exchanges, long bytesSent, long bytesReceived);

    [LoggerMessage(EventId = LedgerSyncEventId.RequesterRunFailed, Level = LogLevel.Warning, Message = "Reconciliation {RunId} with {Party} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid runId, PartyName party, string error);
}
