namespace LedgerSync.Benchmarks.Wire;

/// <summary>The two sets to reconcile (the requester learns what the responder has and it lacks).</summary>
internal sealed record WireRunInput(TransactionId[] RequesterIds, TransactionId[] ResponderIds, int Seed);
