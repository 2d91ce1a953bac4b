namespace LedgerSync.Diagnostics;

/// <summary>A run completed a request/response exchange.</summary>
/// <param name="Exchange">The 1-based number of the exchange within the run.</param>
internal readonly record struct ExchangeCompletedArguments(int Exchange);
