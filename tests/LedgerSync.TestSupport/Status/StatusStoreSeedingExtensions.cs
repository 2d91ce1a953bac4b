using LedgerSync.Status;

namespace LedgerSync.Testing.Status;

/// <summary>
/// Writes status rows the way a node does (through the core status rules), for tests and benchmarks that need a store
/// filled with runs that started and ended.
/// </summary>
public static class StatusStoreSeedingExtensions
{
    /// <summary>Records that a run started (<c>IN_PROGRESS</c>).</summary>
    public static Task RecordStartedAsync(this IStatusStore store, PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt) =>
        new ReconciliationStatusRecorder(store).RecordStartedAsync(party, isRequester, runId, startedAt);

    /// <summary>Records that a run ended in <paramref name="state"/>.</summary>
    public static Task RecordFinishedAsync(
        this IStatusStore store,
        PartyName party,
        bool isRequester,
        Guid runId,
        ReconciliationState state,
        DateTimeOffset finishedAt,
        IReadOnlyCollection<TransactionId>? result,
        string? error) =>
        new ReconciliationStatusRecorder(store).RecordFinishedAsync(new ReconciliationRunEnd(party, isRequester, runId, state, finishedAt, result, error));
}
