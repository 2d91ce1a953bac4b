namespace LedgerSync.Status;

/// <summary>
/// Writes reconciliation statuses: each method is one rule of <see cref="ReconciliationStatusRules"/> applied to the
/// current row through one atomic <see cref="IStatusStore.UpdateAsync"/>. Everything in LedgerSync that records a run's
/// start or end goes through it, so every store, including a host's own, gets the same semantics.
/// </summary>
internal sealed class ReconciliationStatusRecorder
{
    /// <summary>Rows read per page by <see cref="RefreshAsync"/> unless told otherwise.</summary>
    public const int DefaultRefreshPageSize = 100;

    /// <summary>Creates the recorder over a store.</summary>
    public ReconciliationStatusRecorder(IStatusStore store) => Store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>The store written to.</summary>
    public IStatusStore Store { get; }

    /// <summary>Records that a run started: <c>IN_PROGRESS</c>, start time, run ID; finish time and error cleared.</summary>
    public Task RecordStartedAsync(PartyName party, bool isRequester, Guid runId, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return Store.UpdateAsync(party, isRequester, current => ReconciliationStatusRules.Started(current, party, isRequester, runId, startedAt), cancellationToken);
    }

    /// <summary>
    /// Records that a run ended. On success the <c>LastSuccessful*</c> fields take this run's times, state and result;
    /// <c>FAILED</c> requires an error text.
    /// </summary>
    /// <exception cref="ArgumentException">The state is <c>IN_PROGRESS</c>, or <c>FAILED</c> without an error.</exception>
    public Task RecordFinishedAsync(ReconciliationRunEnd end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentNullException.ThrowIfNull(end.Party);
        ReconciliationStatusRules.ValidateEnd(end.State, end.Error);
        return Store.UpdateAsync(end.Party, end.IsRequester, current => ReconciliationStatusRules.Ended(current, end), cancellationToken);
    }

    /// <summary>
    /// Records run <paramref name="runId"/> as <c>FAILED</c> "interrupted by restart" if the row still shows it
    /// <c>IN_PROGRESS</c> (checked and written in one atomic update). Returns whether it did.
    /// </summary>
    public async Task<bool> RecordInterruptedAsync(PartyName party, bool isRequester, Guid runId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        var changed = false;
        await Store.UpdateAsync(
            party,
            isRequester,
            current =>
            {
                var next = ReconciliationStatusRules.Interrupted(current, runId, at);
                changed = next is not null;
                return next;
            },
            cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>
    /// Records <c>STOPPED</c> for a row still showing a run <c>IN_PROGRESS</c> that no live run answered for, unless
    /// <paramref name="alreadyRecorded"/> holds that run. Returns the run stopped, or <see langword="null"/>.
    /// </summary>
    public async Task<Guid?> RecordStaleRunStoppedAsync(
        PartyName party,
        bool isRequester,
        DateTimeOffset at,
        IReadOnlySet<Guid> alreadyRecorded,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(alreadyRecorded);
        Guid? stopped = null;
        await Store.UpdateAsync(
            party,
            isRequester,
            current =>
            {
                var next = ReconciliationStatusRules.StaleRunStopped(current, at, alreadyRecorded.Contains);
                stopped = next?.StateMachineRunId;
                return next;
            },
            cancellationToken).ConfigureAwait(false);
        return stopped;
    }

    /// <summary>
    /// The refresh flow: reads the stored results page by page and, for each row, drops in one atomic update the IDs
    /// for which <paramref name="isPresent"/> is true (a result left empty turns <c>DIFFERENCES_FOUND</c> into
    /// <c>DIFFERENCES_NOT_FOUND</c>). Returns the number of IDs dropped.
    /// </summary>
    public async Task<int> RefreshAsync(Func<TransactionId, bool> isPresent, int pageSize = DefaultRefreshPageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isPresent);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var removed = 0;
        StatusKey? after = null;
        while (true)
        {
            var page = await Store.ReadResultsPageAsync(after, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var row in page)
            {
                if (ReconciliationStatusRules.Refreshed(row, isPresent, out _) is null)
                {
                    continue;
                }

                var count = 0;
                await Store.UpdateAsync(
                    row.PartyName,
                    row.IsRequester,
                    current => ReconciliationStatusRules.Refreshed(current, isPresent, out count),
                    cancellationToken).ConfigureAwait(false);
                removed += count;
            }

            if (page.Count < pageSize)
            {
                return removed;
            }

            after = StatusKey.Of(page[^1]);
        }
    }
}
