namespace LedgerSync.Scheduling;

/// <summary>The one job-store instance the container hands out as both <see cref="IReconciliationJobStore"/> and <see cref="IReconciliationJobQueries"/>.</summary>
internal sealed class JobStoreRegistration
{
    public JobStoreRegistration(object store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store as IReconciliationJobStore ?? throw new ArgumentException($"{store.GetType()} does not implement {nameof(IReconciliationJobStore)}.", nameof(store));
        Queries = store as IReconciliationJobQueries ?? throw new ArgumentException($"{store.GetType()} does not implement {nameof(IReconciliationJobQueries)}.", nameof(store));
    }

    public IReconciliationJobStore Store { get; }

    public IReconciliationJobQueries Queries { get; }
}
