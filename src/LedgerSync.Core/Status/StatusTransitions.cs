namespace LedgerSync.Status;

/// <summary>
/// The rules of SPEC §7 as pure functions from the previous row to the next one, shared by the status stores so that
/// every store applies the same semantics.
/// </summary>
internal static class StatusTransitions
{
    /// <summary>Throws when a finish cannot be recorded: <c>IN_PROGRESS</c> is not an end, and <c>FAILED</c> needs an error text.</summary>
    public static void ValidateFinish(ReconciliationState state, string? errorMessage)
    {
        if (state == ReconciliationState.InProgress)
        {
            throw new ArgumentException("IN_PROGRESS is not an end state; use RecordStartedAsync.", nameof(state));
        }

        if (state == ReconciliationState.Failed && string.IsNullOrWhiteSpace(errorMessage))
        {
            throw new ArgumentException("A FAILED run must be recorded with an error text.", nameof(errorMessage));
        }
    }

    /// <summary>The row after a run started.</summary>
    public static ReconciliationStatus Started(ReconciliationStatus? previous, PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt) =>
        (previous ?? new ReconciliationStatus { PartyName = party, IsRequester = isRequester }) with
        {
            StateMachineRunId = runId,
            LastReconciliationTimeStarted = Truncate(startedAt),
            LastReconciliationTimeFinished = null,
            LastReconciliationStatus = ReconciliationState.InProgress,
            LastReconciliationError = null,
        };

    /// <summary>The row after a run ended.</summary>
    public static ReconciliationStatus Finished(
        ReconciliationStatus? previous,
        PartyName party,
        bool isRequester,
        Guid runId,
        ReconciliationState state,
        DateTimeOffset finishedAt,
        IReadOnlyCollection<TransactionId>? result,
        string? errorMessage)
    {
        var row = previous ?? new ReconciliationStatus { PartyName = party, IsRequester = isRequester };
        var startedAt = row.StateMachineRunId == runId ? row.LastReconciliationTimeStarted : null;
        row = row with
        {
            StateMachineRunId = runId,
            LastReconciliationTimeStarted = startedAt,
            LastReconciliationTimeFinished = Truncate(finishedAt),
            LastReconciliationStatus = state,
            LastReconciliationError = state == ReconciliationState.Failed ? errorMessage : null,
        };

        if (state.IsSuccess())
        {
            row = row with
            {
                LastSuccessfulReconciliationTimeStarted = startedAt,
                LastSuccessfulReconciliationTimeFinished = Truncate(finishedAt),
                LastSuccessfulReconciliationStatus = state,
                LastSuccessfulReconciliationResult = result is null ? [] : [.. result.Distinct().Order()],
            };
        }

        return row;
    }

    /// <summary>
    /// The row after dropping present IDs from its successful result, or <see langword="null"/> when nothing changes.
    /// A result that becomes empty turns <c>DIFFERENCES_FOUND</c> into <c>DIFFERENCES_NOT_FOUND</c> in both state fields.
    /// </summary>
    public static ReconciliationStatus? Refreshed(ReconciliationStatus row, Func<TransactionId, bool> isPresent, out int removed)
    {
        removed = 0;
        if (row.LastSuccessfulReconciliationResult.Count == 0)
        {
            return null;
        }

        IReadOnlyList<TransactionId> remaining = [.. row.LastSuccessfulReconciliationResult.Where(id => !isPresent(id))];
        removed = row.LastSuccessfulReconciliationResult.Count - remaining.Count;
        if (removed == 0)
        {
            return null;
        }

        row = row with { LastSuccessfulReconciliationResult = remaining };
        if (remaining.Count == 0)
        {
            row = row with
            {
                LastSuccessfulReconciliationStatus = row.LastSuccessfulReconciliationStatus == ReconciliationState.DifferencesFound
                    ? ReconciliationState.DifferencesNotFound
                    : row.LastSuccessfulReconciliationStatus,
                LastReconciliationStatus = row.LastReconciliationStatus == ReconciliationState.DifferencesFound
                    ? ReconciliationState.DifferencesNotFound
                    : row.LastReconciliationStatus,
            };
        }

        return row;
    }

    /// <summary>Times are stored as Unix milliseconds; the in-memory store truncates the same way so every store reads back alike.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
}
