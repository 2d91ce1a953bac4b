namespace LedgerSync.Status;

/// <summary>
/// When a status update is a run's start or end, and what the history records of it: shared by the stores that keep a
/// run history (<see cref="IReconciliationRunHistory"/>).
/// </summary>
internal static class RunHistoryRules
{
    /// <summary>
    /// Whether <paramref name="next"/> starts or ends a run: the run ID or one of its times changed. A refresh (which only
    /// trims the stored result) and an update that rewrites other fields are not.
    /// </summary>
    public static bool IsRunTransition(ReconciliationStatus? current, ReconciliationStatus next) =>
        current is null
        || current.StateMachineRunId != next.StateMachineRunId
        || current.LastReconciliationTimeStarted != next.LastReconciliationTimeStarted
        || current.LastReconciliationTimeFinished != next.LastReconciliationTimeFinished;

    /// <summary>The differences a row's latest run found: the successful result's size when that run is the latest successful one, else 0.</summary>
    public static int Differences(ReconciliationStatus row) =>
        row.LastReconciliationStatus is { } state && state.IsSuccess() && row.LastReconciliationTimeFinished is { } finished
            && row.LastSuccessfulReconciliationTimeFinished == finished
                ? row.LastSuccessfulReconciliationResult.Count
                : 0;
}
