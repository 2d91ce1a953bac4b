namespace LedgerSync.Scheduling;

/// <summary>The size of the job queue, on every instance sharing the store.</summary>
/// <param name="QueuedOutgoing">Outgoing jobs waiting for a pool slot, their start time or a retry (JMX <c>NumberOfScheduledReconciliations</c>).</param>
/// <param name="RunningOutgoing">Outgoing jobs claimed by an instance (running, or cut off and not yet recovered).</param>
/// <param name="RunningIncoming">Leases of incoming runs.</param>
public sealed record ReconciliationJobCounts(int QueuedOutgoing, int RunningOutgoing, int RunningIncoming);
