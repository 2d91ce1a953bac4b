namespace LedgerSync.Status;

/// <summary>Which page of one party's past runs <see cref="IReconciliationRunHistory.ReadRunsAsync"/> returns.</summary>
public sealed record ReconciliationRunQuery
{
    /// <summary>The most runs one page may hold: 1,000.</summary>
    public const int MaxTake = 1000;

    /// <summary>The counterparty.</summary>
    public required PartyName Party { get; init; }

    /// <summary>Only the runs in one role (<see langword="true"/>: this node requested), or both roles when <see langword="null"/>.</summary>
    public bool? IsRequester { get; init; }

    /// <summary>How many of the newest runs to pass over (0 or more). Default 0.</summary>
    public int Skip { get; init; }

    /// <summary>How many runs to return at most (1 to <see cref="MaxTake"/>). Default 20.</summary>
    public int Take { get; init; } = 20;

    /// <summary>Throws when the query cannot be run (what every implementation checks first).</summary>
    /// <exception cref="ArgumentNullException"><see cref="Party"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Skip"/> or <see cref="Take"/> is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Party);
        ArgumentOutOfRangeException.ThrowIfNegative(Skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(Take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Take, MaxTake);
    }
}
