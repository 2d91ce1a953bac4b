namespace LedgerSync.Scheduling;

/// <summary>
/// Read-only queries over the job queue for flows, monitors and operators (the counterpart of Hangfire's
/// <c>IMonitoringApi</c>), kept apart from the runtime's <see cref="IReconciliationJobStore"/>. Answers cover every
/// instance sharing the store.
/// </summary>
public interface IReconciliationJobQueries
{
    /// <summary>The jobs (both roles) with <paramref name="party"/>, due first.</summary>
    Task<IReadOnlyList<ReconciliationJob>> GetForPartyAsync(PartyName party, CancellationToken cancellationToken = default);

    /// <summary>All jobs, due first.</summary>
    Task<IReadOnlyList<ReconciliationJob>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>How many jobs are queued and running, by role.</summary>
    Task<ReconciliationJobCounts> GetCountsAsync(CancellationToken cancellationToken = default);
}
