namespace LedgerSync.Diagnostics;

/// <summary>One entry of a run's stage history.</summary>
/// <param name="Stage">What the run did, for example <c>queued</c>, <c>hello sent</c>, <c>symbols 0..1500 received</c>.</param>
/// <param name="At">When.</param>
public sealed record RunStage(string Stage, DateTimeOffset At);
