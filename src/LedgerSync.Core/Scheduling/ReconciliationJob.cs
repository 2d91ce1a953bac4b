namespace LedgerSync.Scheduling;

/// <summary>
/// One persisted unit of scheduler work: an outgoing reconciliation with a party (queued, timed, recurring or
/// backing off), or the lease of an admitted incoming run (so a crash can be detected and recorded).
/// </summary>
public sealed record ReconciliationJob
{
    /// <summary>The job's identity (stable across retries and recurrences).</summary>
    public required Guid JobId { get; init; }

    /// <summary>The counterparty.</summary>
    public required PartyName Party { get; init; }

    /// <summary><see langword="true"/> for an outgoing reconciliation; <see langword="false"/> for the lease of an incoming one.</summary>
    public required bool IsRequester { get; init; }

    /// <summary>The run this job carries out next (the status row's <c>state_machine_id</c>).</summary>
    public required Guid RunId { get; init; }

    /// <summary>Where the job is.</summary>
    public required ReconciliationJobState State { get; init; }

    /// <summary>When the job may start (or retry).</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>When the job was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>For a recurring schedule, the interval between the due times of successive runs.</summary>
    public TimeSpan? RepeatEvery { get; init; }

    /// <summary>How many times the current run has been refused by a busy peer.</summary>
    public int Attempt { get; init; }

    /// <summary>When the current run first tried to reach the peer (the start of the retry timeout).</summary>
    public DateTimeOffset? FirstAttemptAt { get; init; }

    /// <summary>A run of this job that was interrupted (crash or shutdown) and still shows <c>IN_PROGRESS</c>; the next claimer records it as failed.</summary>
    public Guid? InterruptedRunId { get; init; }

    /// <summary>The scheduler instance that holds the job while <see cref="ReconciliationJobState.Running"/>.</summary>
    public string? Owner { get; init; }

    /// <summary>Until when the owner's lease lasts; after it, another instance may take the job over.</summary>
    public DateTimeOffset? LeaseUntil { get; init; }
}
