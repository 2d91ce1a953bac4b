namespace LedgerSync.Diagnostics;

/// <summary>A run started or stopped waiting.</summary>
/// <param name="Reason">What it waits on now (<see cref="RunWaitReason.None"/> when it resumes work).</param>
/// <param name="Since">When the change happened.</param>
internal readonly record struct WaitChangedArguments(RunWaitReason Reason, DateTimeOffset Since);
