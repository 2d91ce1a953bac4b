namespace LedgerSync.Status;

/// <summary>
/// The rules of SPEC §7, once, as pure functions from the current row to the next: what a start, an end, a stop, a run
/// cut off by a restart and a refresh do to a status row. <see cref="ReconciliationStatusRecorder"/> applies them
/// through <see cref="IStatusStore.UpdateAsync"/>, so no store re-implements them. A function that returns
/// <see langword="null"/> leaves the row as it is.
/// </summary>
internal static class ReconciliationStatusRules
{
    /// <summary>The error recorded for a run whose node stopped or crashed before the run ended.</summary>
    public const string InterruptedByRestart =
        "interrupted by restart: the node running it stopped or crashed before the run ended; the reconciliation was queued again";

    /// <summary>Throws when an end cannot be recorded: <c>IN_PROGRESS</c> is not an end, and <c>FAILED</c> needs an error text.</summary>
    public static void ValidateEnd(ReconciliationState state, string? error)
    {
        if (!Enum.IsDefined(state))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown reconciliation state.");
        }

        if (state == ReconciliationState.InProgress)
        {
            throw new ArgumentException("IN_PROGRESS is not an end state; record a start instead.", nameof(state));
        }

        if (state == ReconciliationState.Failed && string.IsNullOrWhiteSpace(error))
        {
            throw new ArgumentException("A FAILED run must be recorded with an error text.", nameof(error));
        }
    }

    /// <summary>A run started: <c>IN_PROGRESS</c>, its ID and start time; finish time and error cleared; the successful fields kept.</summary>
    public static ReconciliationStatus Started(ReconciliationStatus? current, PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt) =>
        (current ?? Empty(party, isRequester)) with
        {
            StateMachineRunId = runId,
            LastReconciliationTimeStarted = Truncate(startedAt),
            LastReconciliationTimeFinished = null,
            LastReconciliationStatus = ReconciliationState.InProgress,
            LastReconciliationError = null,
        };

    /// <summary>
    /// A run ended. The latest-run fields take its state, finish time and (for <c>FAILED</c> only) its error; its start
    /// time is kept when the row shows the same run. On success the <c>LastSuccessful*</c> fields take this run's times,
    /// state and result (distinct, sorted); otherwise they are kept.
    /// </summary>
    public static ReconciliationStatus Ended(ReconciliationStatus? current, ReconciliationRunEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        ValidateEnd(end.State, end.Error);
        var row = current ?? Empty(end.Party, end.IsRequester);
        var startedAt = row.StateMachineRunId == end.RunId ? row.LastReconciliationTimeStarted : null;
        row = row with
        {
            StateMachineRunId = end.RunId,
            LastReconciliationTimeStarted = startedAt,
            LastReconciliationTimeFinished = Truncate(end.FinishedAt),
            LastReconciliationStatus = end.State,
            LastReconciliationError = end.State == ReconciliationState.Failed ? end.Error : null,
        };

        if (end.State.IsSuccess())
        {
            row = row with
            {
                LastSuccessfulReconciliationTimeStarted = startedAt,
                LastSuccessfulReconciliationTimeFinished = Truncate(end.FinishedAt),
                LastSuccessfulReconciliationStatus = end.State,
                LastSuccessfulReconciliationResult = end.Result is null ? [] : [.. end.Result.Distinct().Order()],
            };
        }

        return row;
    }

    /// <summary>
    /// Run <paramref name="runId"/> was cut off by a restart: when the row still shows it <c>IN_PROGRESS</c>, it becomes
    /// <c>FAILED</c> with <see cref="InterruptedByRestart"/>; otherwise (it ended, or a newer run replaced it) nothing changes.
    /// </summary>
    public static ReconciliationStatus? Interrupted(ReconciliationStatus? current, Guid runId, DateTimeOffset at) =>
        current is { LastReconciliationStatus: ReconciliationState.InProgress } && current.StateMachineRunId == runId
            ? Ended(current, new ReconciliationRunEnd(current.PartyName, current.IsRequester, runId, ReconciliationState.Failed, at, Error: InterruptedByRestart))
            : null;

    /// <summary>
    /// An operator stopped the party's work and no live run answered for this row: a row still showing a run
    /// <c>IN_PROGRESS</c> (its node went away) becomes <c>STOPPED</c>, unless <paramref name="skip"/> says that run was
    /// already recorded. Otherwise nothing changes.
    /// </summary>
    public static ReconciliationStatus? StaleRunStopped(ReconciliationStatus? current, DateTimeOffset at, Func<Guid, bool> skip) =>
        current is { LastReconciliationStatus: ReconciliationState.InProgress, StateMachineRunId: { } run } && !skip(run)
            ? Ended(current, new ReconciliationRunEnd(current.PartyName, current.IsRequester, run, ReconciliationState.Stopped, at))
            : null;

    /// <summary>
    /// The refresh flow: drops from the successful result every ID now present. A result that becomes empty turns
    /// <c>DIFFERENCES_FOUND</c> into <c>DIFFERENCES_NOT_FOUND</c> in both state fields. Returns <see langword="null"/>
    /// when nothing changes; <paramref name="removed"/> is the number of IDs dropped.
    /// </summary>
    public static ReconciliationStatus? Refreshed(ReconciliationStatus? current, Func<TransactionId, bool> isPresent, out int removed)
    {
        removed = 0;
        if (current is null || current.LastSuccessfulReconciliationResult.Count == 0)
        {
            return null;
        }

        IReadOnlyList<TransactionId> remaining = [.. current.LastSuccessfulReconciliationResult.Where(id => !isPresent(id))];
        removed = current.LastSuccessfulReconciliationResult.Count - remaining.Count;
        if (removed == 0)
        {
            return null;
        }

        var row = current with { LastSuccessfulReconciliationResult = remaining };
        if (remaining.Count == 0)
        {
            row = row with
            {
                LastSuccessfulReconciliationStatus = NotFoundIfFound(row.LastSuccessfulReconciliationStatus),
                LastReconciliationStatus = NotFoundIfFound(row.LastReconciliationStatus),
            };
        }

        return row;
    }

    /// <summary>Times are kept as Unix milliseconds, the column type of <c>CR_RECONCILIATION_STATUS</c>, so every store reads back alike.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static ReconciliationStatus Empty(PartyName party, bool isRequester) => new() { PartyName = party, IsRequester = isRequester };

    private static ReconciliationState? NotFoundIfFound(ReconciliationState? state) =>
        state == ReconciliationState.DifferencesFound ? ReconciliationState.DifferencesNotFound : state;
}
