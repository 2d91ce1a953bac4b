namespace LedgerSync;

/// <summary>One problem found in configuration: what is wrong, and where (key, and line for a <c>.conf</c> file).</summary>
/// <param name="Message">The problem, naming the source, line, key, value and what is accepted, for example
/// <c>node.conf, line 4: maxNumberOfIbfFilterFlows = 0 is out of range; accepted: 1 to 15.</c></param>
/// <param name="Key">The configuration key at fault, if known.</param>
/// <param name="LineNumber">The 1-based line number in a <c>.conf</c> file, if the problem came from one.</param>
public sealed record LedgerSyncConfigurationError(string Message, string? Key = null, int? LineNumber = null);
