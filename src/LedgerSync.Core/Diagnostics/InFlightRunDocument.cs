namespace LedgerSync.Diagnostics;

/// <summary>
/// One file of the in-flight dump: a reconciliation that is queued or running. Field names follow the reference
/// platform's checkpoint dump where they map (<c>flowId</c>, <c>topLevelFlowClass</c>, <c>suspendedOn</c> with
/// <c>suspendedTimestamp</c>).
/// </summary>
internal sealed record InFlightRunDocument
{
    /// <summary>The run ID: the handle in logs (scope <c>RunId</c>) and the status store (<c>state_machine_id</c>).</summary>
    public required Guid FlowId { get; init; }

    /// <summary>The flow running the reconciliation, for example <c>ReconcileWithPartyFlow</c>.</summary>
    public required string TopLevelFlowClass { get; init; }

    /// <summary>The counterparty's X.500 name.</summary>
    public required string Party { get; init; }

    /// <summary><c>requester</c> or <c>responder</c>.</summary>
    public required string Role { get; init; }

    /// <summary>When the run was created (queued or admitted), UTC.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>What the run waits on, or <see langword="null"/> while it works.</summary>
    public required SuspendedOnDocument? SuspendedOn { get; init; }

    /// <summary>Since when the run has worked without waiting, or <see langword="null"/> while it waits.</summary>
    public required DateTimeOffset? WorkingSince { get; init; }

    /// <summary>Completed request/response exchanges (sketch rounds and paged messages).</summary>
    public required int Exchanges { get; init; }

    /// <summary>Bytes sent so far.</summary>
    public required long BytesSent { get; init; }

    /// <summary>Bytes received so far.</summary>
    public required long BytesReceived { get; init; }

    /// <summary>Coded symbols sent (requester) or received (responder) so far.</summary>
    public required long CodedSymbols { get; init; }

    /// <summary>
    /// The end of the current round of coded symbols (the first sized from the set sizes or the estimators, later ones as the responder asks):
    /// <see cref="CodedSymbols"/> / <see cref="CodedSymbolsExpected"/> estimates the run's progress (0 before the stream starts).
    /// </summary>
    public required long CodedSymbolsExpected { get; init; }

    /// <summary>The stage history, oldest first.</summary>
    public required IReadOnlyList<StageDocument> Stages { get; init; }

    /// <summary>When the dump was taken, UTC.</summary>
    public required DateTimeOffset DumpTimestamp { get; init; }

    /// <summary>What a run is suspended on.</summary>
    /// <param name="Reason">The <see cref="RunWaitReason"/> name: <c>PoolSlot</c>, <c>PeerMessage</c>, <c>RetryBackoff</c>, <c>ScheduledTime</c> or <c>Connecting</c>.</param>
    /// <param name="Description">The same in words, naming the counterparty where it is involved.</param>
    /// <param name="SuspendedTimestamp">Since when, UTC.</param>
    /// <param name="SecondsSuspended">Whole seconds from <paramref name="SuspendedTimestamp"/> to the dump.</param>
    internal sealed record SuspendedOnDocument(string Reason, string Description, DateTimeOffset SuspendedTimestamp, long SecondsSuspended);

    /// <summary>One stage of the history.</summary>
    /// <param name="Stage">What the run did.</param>
    /// <param name="At">When, UTC.</param>
    internal sealed record StageDocument(string Stage, DateTimeOffset At);
}
