using LedgerSync.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Protocol;

internal sealed partial class ReconciliationResponder
{
    [LoggerMessage(EventId = LedgerSyncEventId.ResponderAnswering, Level = LogLevel.Information, Message = "Answering a reconciliation request from {Party}: {RequesterCount} relevant transactions there, {ResponderCount} here")]
    private static partial void LogAnswering(ILogger logger, PartyName party, long requesterCount, long responderCount);

    [LoggerMessage(EventId = LedgerSyncEventId.ResponderAnswered, Level = LogLevel.Information, Message = "Answered {Party}: decoded {Symbols} coded symbols in {Exchanges} round(s), {BytesSent} bytes sent, {BusyMilliseconds:F1} ms of work")]
    private static partial void LogServed(ILogger logger, PartyName party, long symbols, int exchanges, long bytesSent, double busyMilliseconds);

    [LoggerMessage(EventId = LedgerSyncEventId.ResponderRefused, Level = LogLevel.Information, Message = "Refused a reconciliation request from {Party} ({Reason}): {Detail}")]
    private static partial void LogRefused(ILogger logger, PartyName party, RefusalReason reason, string detail);

    [LoggerMessage(EventId = LedgerSyncEventId.ResponderRequestFailed, Level = LogLevel.Warning, Message = "A reconciliation request from {Party} failed: {Error}")]
    private static partial void LogRequestFailed(ILogger logger, Exception? exception, PartyName party, string error);
}
