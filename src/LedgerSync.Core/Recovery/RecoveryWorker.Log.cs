using Microsoft.Extensions.Logging;

namespace LedgerSync.Recovery;

internal sealed partial class RecoveryWorker
{
    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Recovery {RecoveryId} from {Party} started ({Pending} pending, claim {Claim})")]
    private static partial void LogStarted(ILogger logger, Guid recoveryId, PartyName party, int pending, int claim);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Recovery {RecoveryId} from {Party} finished: {Recovered} recovered, {Rejected} rejected, {Refused} refused, {Bytes} bytes")]
    private static partial void LogFinished(ILogger logger, Guid recoveryId, PartyName party, int recovered, int rejected, int refused, long bytes);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Error, Message = "Recovery {RecoveryId} from {Party} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid recoveryId, PartyName party, string error);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Information, Message = "Recovery {RecoveryId} from {Party} was given back at shutdown; it resumes at the next start")]
    private static partial void LogReleased(ILogger logger, Guid recoveryId, PartyName party);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Warning, Message = "Recovery {RecoveryId} from {Party} ended without a result from this worker: {Reason}")]
    private static partial void LogClaimLost(ILogger logger, Guid recoveryId, PartyName party, string reason);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Error, Message = "Recovery {RecoveryId} from {Party} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, Guid recoveryId, PartyName party);

    [LoggerMessage(EventId = 7016, Level = LogLevel.Information, Message = "After recovery {RecoveryId}, the reconciliation statuses were refreshed ({Dropped} ID(s) now present dropped)")]
    private static partial void LogRefreshed(ILogger logger, Guid recoveryId, int dropped);

    [LoggerMessage(EventId = 7017, Level = LogLevel.Warning, Message = "After recovery {RecoveryId}, the reconciliation statuses could not be refreshed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, Guid recoveryId);

    [LoggerMessage(EventId = 7018, Level = LogLevel.Error, Message = "The recovery worker could not claim work from the recovery store")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7019, Level = LogLevel.Information, Message = "Queued recovery {RecoveryId} of {Count} transaction(s) from {Party} after a reconciliation found differences (autoRecoverTransactions)")]
    private static partial void LogAutoRecover(ILogger logger, Guid recoveryId, PartyName party, int count);

    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "Did not queue an automatic recovery from {Party}: {Reason}")]
    private static partial void LogAutoRecoverSkipped(ILogger logger, PartyName party, string reason);
}
