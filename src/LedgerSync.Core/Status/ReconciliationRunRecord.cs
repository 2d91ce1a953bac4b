namespace LedgerSync.Status;

/// <summary>One past (or current) reconciliation run with a party, as <see cref="IReconciliationRunHistory"/> returns it.</summary>
public sealed record ReconciliationRunRecord
{
    /// <summary>The run's ID (the handle <c>StateMachineRunId</c> showed while it was the latest run).</summary>
    public required Guid RunId { get; init; }

    /// <summary>The counterparty.</summary>
    public required PartyName PartyName { get; init; }

    /// <summary>The role: <see langword="true"/> when this node requested the reconciliation.</summary>
    public required bool IsRequester { get; init; }

    /// <summary>When the run started, or <see langword="null"/> when its start was not recorded (for example a run ended by another node).</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>When the run ended, or <see langword="null"/> while it is <see cref="ReconciliationState.InProgress"/>.</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary>The run's state: <see cref="ReconciliationState.InProgress"/> until it ends, then how it ended.</summary>
    public required ReconciliationState State { get; init; }

    /// <summary>The number of transactions a successful run found (what the party has and this node lacks); 0 otherwise.</summary>
    public int Differences { get; init; }

    /// <summary>For <see cref="ReconciliationState.Failed"/>, the operator-readable reason; <see langword="null"/> otherwise.</summary>
    public string? Error { get; init; }
}
