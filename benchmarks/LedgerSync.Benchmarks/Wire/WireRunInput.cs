namespace LedgerSync.Benchmarks.Wire;

/// <summary>The two sets to reconcile (the requester learns what the responder has and it lacks).</summary>
/// <param name="RequesterIds">The requester's set.</param>
/// <param name="ResponderIds">The responder's set.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Latency">The one-way latency of the in-memory network (scenarios that support it).</param>
internal sealed record WireRunInput(TransactionId[] RequesterIds, TransactionId[] ResponderIds, int Seed, TimeSpan Latency = default);
