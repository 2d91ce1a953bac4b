using Microsoft.Extensions.Logging;

namespace LedgerSync.Recovery;

internal sealed partial class RecoveryRun
{
    [LoggerMessage(EventId = 7200, Level = LogLevel.Information, Message = "Recovery {RecoveryId} from {Party} waits {Wait} for the counterparty's recovery limits")]
    private static partial void LogPaused(ILogger logger, Guid recoveryId, PartyName party, TimeSpan wait);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Recovery {RecoveryId} from {Party} retries in {Wait}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, Guid recoveryId, PartyName party, string reason, TimeSpan wait);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Recovery {RecoveryId}: {Party} did not serve transaction {TransactionId}")]
    private static partial void LogRefused(ILogger logger, Guid recoveryId, PartyName party, TransactionId transactionId);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Warning, Message = "Recovery {RecoveryId}: rejected transaction {TransactionId} from {Party}: {Reason}")]
    private static partial void LogRejected(ILogger logger, Guid recoveryId, PartyName party, TransactionId transactionId, string reason);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Error, Message = "Recovery {RecoveryId}: the sink failed storing transaction {TransactionId} from {Party}")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, Guid recoveryId, PartyName party, TransactionId transactionId);
}
