namespace LedgerSync.Diagnostics;

/// <summary>A point-in-time view of one in-flight (queued or running) reconciliation.</summary>
public sealed record RunSnapshot
{
    /// <summary>The run's ID.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow that runs it, for example <c>ReconcileWithPartyFlow</c>.</summary>
    public required string FlowName { get; init; }

    /// <summary>The counterparty.</summary>
    public required PartyName Party { get; init; }

    /// <summary>This node's role.</summary>
    public required ReconciliationRole Role { get; init; }

    /// <summary>When the run was created (queued or admitted).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>What it is waiting on now.</summary>
    public required RunWaitReason WaitingOn { get; init; }

    /// <summary>Since when it has waited on <see cref="WaitingOn"/> (or worked, when <see cref="RunWaitReason.None"/>).</summary>
    public required DateTimeOffset WaitingSince { get; init; }

    /// <summary>
    /// When the run last moved forward (<see langword="null"/> until the protocol has started): coded symbols that matter
    /// arrived or left, or the exchange advanced. The stuck-session monitor tells a run that trickles from one that
    /// progresses by it.
    /// </summary>
    public DateTimeOffset? LastProgress { get; init; }

    /// <summary>The number of completed request/response exchanges.</summary>
    public required int Exchanges { get; init; }

    /// <summary>Bytes sent so far.</summary>
    public required long BytesSent { get; init; }

    /// <summary>Bytes received so far.</summary>
    public required long BytesReceived { get; init; }

    /// <summary>Coded symbols sent (requester) or received (responder) so far.</summary>
    public long CodedSymbols { get; init; }

    /// <summary>
    /// The end of the current round of coded symbols (0 until the symbol stream starts): the requester sizes the first
    /// round from the set sizes or the difference estimators, the responder asks for any later one, so
    /// <see cref="CodedSymbols"/> / <see cref="CodedSymbolsExpected"/> estimates the run's progress.
    /// </summary>
    public long CodedSymbolsExpected { get; init; }

    /// <summary>The stage history, oldest first.</summary>
    public required IReadOnlyList<RunStage> Stages { get; init; }
}
