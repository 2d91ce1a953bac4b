using LedgerSync.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Ledger;

/// <summary>The ledger graph's log messages (event IDs 5000–5099).</summary>
public sealed partial class LedgerGraph
{
    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphLoadStarted, Level = LogLevel.Information,
        Message = "Ledger graph initialization started: {Total} transactions announced (-1: unknown), pages of {PageSize}, {PoolSize} workers")]
    private partial void LogLoadStarted(long total, int pageSize, int poolSize);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphLoadProgressWithPercent, Level = LogLevel.Information,
        Message = "Ledger graph initialization: {Loaded} of {Total} transactions read ({Percent:F1}%), {Rate:F0} per second")]
    private partial void LogLoadProgressWithPercent(long loaded, long total, double percent, double rate);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphLoadProgress, Level = LogLevel.Information,
        Message = "Ledger graph initialization: {Loaded} transactions read, {Rate:F0} per second")]
    private partial void LogLoadProgress(long loaded, double rate);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphLoadCompleted, Level = LogLevel.Information,
        Message = "Ledger graph initialized: {Loaded} records read, {Count} transactions held, in {ElapsedMs} ms ({Rate:F0} per second); self-consistent: {IsSelfConsistent}")]
    private partial void LogLoadCompleted(long loaded, long count, long elapsedMs, double rate, bool isSelfConsistent);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphNotSelfConsistent, Level = LogLevel.Warning,
        Message = "The ledger graph is not self-consistent: {ErrorCount} error(s) listed, first: {FirstErrors}. Restore the node to a consistent state before reconciling")]
    private partial void LogNotSelfConsistent(int errorCount, string firstErrors);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphInvalidData, Level = LogLevel.Warning,
        Message = "Transaction {Key} could not be read: {Problem}")]
    private partial void LogInvalidData(string key, string problem);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphDuplicateTransaction, Level = LogLevel.Warning,
        Message = "Transaction {TransactionId} was recorded twice with different metadata")]
    private partial void LogDuplicate(TransactionId transactionId);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphLoadFailed, Level = LogLevel.Error,
        Message = "Ledger graph initialization failed; the graph stays uninitialized")]
    private partial void LogLoadFailed(Exception exception);

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphLoadCanceled, Level = LogLevel.Information,
        Message = "Ledger graph initialization was canceled")]
    private partial void LogLoadCanceled();

    [LoggerMessage(EventId = LedgerSyncEventId.LedgerGraphObserverFailed, Level = LogLevel.Error,
        Message = "A relevant-set observer for {Counterparty} threw; observers must not throw")]
    private partial void LogObserverFailed(PartyName counterparty, Exception exception);
}
