namespace LedgerSync.Status;

/// <summary>
/// Where reconciliation statuses live: one row per (party, is-requester), as in <c>CR_RECONCILIATION_STATUS</c>.
/// A store holds rows and nothing more; the rules of a run's life (SPEC §7: <c>IN_PROGRESS</c> on start, the
/// <c>LastSuccessful*</c> fields only on success, <c>FAILED</c> always with an error, <c>STOPPED</c>, a run cut off by a
/// restart) live once in LedgerSync's core, which writes every transition through <see cref="UpdateAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// To keep statuses somewhere else, implement the five methods and register the store with
/// <c>.UseStatusStore&lt;T&gt;()</c> or <c>.UseStatusStore(sp =&gt; ...)</c>; the contract tests in
/// <c>LedgerSync.Testing.Status.StatusStoreContractTests</c> show what each method must do. A store must make every
/// <see cref="UpdateAsync"/> one atomic step: a reader never sees half a row, a failure at any point leaves the
/// previous row, and two updates of the same row never lose one another.
/// </para>
/// <para>
/// Wrap a store to add behaviour (auditing, caching, metrics) with
/// <c>.DecorateStatusStore((sp, inner) =&gt; new AuditingStatusStore(inner))</c>.
/// </para>
/// </remarks>
public interface IStatusStore
{
    /// <summary>Returns the row for one party and role, or <see langword="null"/> if none was ever written.</summary>
    Task<ReconciliationStatus?> GetAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically replaces the row for (<paramref name="party"/>, <paramref name="isRequester"/>) with what
    /// <paramref name="update"/> makes of the current one: the store reads the row (<see langword="null"/> when there is
    /// none), calls <paramref name="update"/> while it holds the row (inside its transaction or lock), and writes the
    /// result in one atomic write. When <paramref name="update"/> returns <see langword="null"/> or the row it was given,
    /// nothing is written. When <paramref name="update"/> throws, or the write fails, the previous row stays and the
    /// exception propagates.
    /// </summary>
    /// <param name="party">The counterparty.</param>
    /// <param name="isRequester">The role.</param>
    /// <param name="update">
    /// The next row as a function of the current one. It must be free of side effects (a store may call it again after
    /// a conflict) and must keep <see cref="ReconciliationStatus.PartyName"/> and <see cref="ReconciliationStatus.IsRequester"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the update before it is written.</param>
    /// <returns>The row as stored afterwards (<see langword="null"/> when there is still none).</returns>
    /// <exception cref="ArgumentException"><paramref name="update"/> returned a row for another party or role.</exception>
    Task<ReconciliationStatus?> UpdateAsync(
        PartyName party,
        bool isRequester,
        Func<ReconciliationStatus?, ReconciliationStatus?> update,
        CancellationToken cancellationToken = default);

    /// <summary>Returns the rows matching <paramref name="query"/>, ordered by party.</summary>
    Task<IReadOnlyList<ReconciliationStatus>> QueryAsync(StatusQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts the rows in one role by the state of their latest run (<see cref="ReconciliationStatus.LastReconciliationStatus"/>);
    /// states with no row are absent.
    /// </summary>
    Task<IReadOnlyDictionary<ReconciliationState, int>> CountByLastStateAsync(bool isRequester, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads one page of the rows (both roles) whose <see cref="ReconciliationStatus.LastSuccessfulReconciliationResult"/>
    /// is not empty, ordered by <see cref="StatusKey"/> (a SQL store orders party names in the database's collation,
    /// consistently across pages), starting after <paramref name="after"/> (from the first row when
    /// <see langword="null"/>). A page shorter than <paramref name="pageSize"/> is the last one. The refresh flow reads
    /// results this way, so no read holds every result in memory at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is less than 1.</exception>
    Task<IReadOnlyList<ReconciliationStatus>> ReadResultsPageAsync(StatusKey? after, int pageSize, CancellationToken cancellationToken = default);
}
