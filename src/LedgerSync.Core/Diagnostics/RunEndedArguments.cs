namespace LedgerSync.Diagnostics;

/// <summary>A run ended (reported once) and was removed from the registry.</summary>
/// <param name="Outcome">The final state.</param>
/// <param name="Differences">The number of differences found (requester), or 0.</param>
/// <param name="Error">The error text of a <see cref="ReconciliationState.Failed"/> run, otherwise <see langword="null"/>.</param>
/// <param name="Ended">When it ended.</param>
internal readonly record struct RunEndedArguments(ReconciliationState Outcome, int Differences, string? Error, DateTimeOffset Ended);
