namespace LedgerSync.Diagnostics;

/// <summary>
/// The reference product's JMX counts of outgoing reconciliations (this node is the requester): queued, executing,
/// and the parties whose latest run failed, found differences or found none.
/// </summary>
/// <param name="Scheduled">Runs queued for a pool slot, waiting for their start time, or backing off before a retry.</param>
/// <param name="InProgress">Runs executing now.</param>
/// <param name="Failed">Parties whose latest run is <c>FAILED</c>.</param>
/// <param name="WithDifferences">Parties whose latest run is <c>DIFFERENCES_FOUND</c>.</param>
/// <param name="WithoutDifferences">Parties whose latest run is <c>DIFFERENCES_NOT_FOUND</c>.</param>
public sealed record ReconciliationCounts(int Scheduled, int InProgress, int Failed, int WithDifferences, int WithoutDifferences);
