namespace LedgerSync.Diagnostics;

/// <summary>A run was added to the registry (queued as requester, or admitted as responder).</summary>
/// <param name="Started">When it was added.</param>
internal readonly record struct RunStartedArguments(DateTimeOffset Started);
