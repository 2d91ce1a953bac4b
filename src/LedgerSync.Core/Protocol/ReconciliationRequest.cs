using LedgerSync.Diagnostics;

namespace LedgerSync.Protocol;

/// <summary>What the scheduler hands the protocol to run one outgoing reconciliation.</summary>
/// <param name="Counterparty">The party to reconcile with.</param>
/// <param name="RunId">The run's ID (the status row's <c>state_machine_id</c>).</param>
/// <param name="Tracker">Where the protocol reports stages, waits, bytes and exchanges.</param>
internal sealed record ReconciliationRequest(PartyName Counterparty, Guid RunId, RunTracker Tracker);
