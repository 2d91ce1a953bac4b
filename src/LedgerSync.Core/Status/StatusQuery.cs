namespace LedgerSync.Status;

/// <summary>
/// Which status rows <see cref="IStatusStore.QueryAsync"/> returns: those in one role, optionally only one party's and
/// only those whose latest run ended (or stands) in one state. Every criterion maps to a column, so a SQL store runs
/// the query as one <c>WHERE</c> clause.
/// </summary>
public sealed record StatusQuery
{
    /// <summary>The role: <see langword="true"/> for rows where this node requested the reconciliation.</summary>
    public required bool IsRequester { get; init; }

    /// <summary>Only this party's row, or every party's when <see langword="null"/>.</summary>
    public PartyName? Party { get; init; }

    /// <summary>Only rows whose <see cref="ReconciliationStatus.LastReconciliationStatus"/> is this, or any when <see langword="null"/>.</summary>
    public ReconciliationState? LastReconciliationStatus { get; init; }

    /// <summary>Whether <paramref name="status"/> matches every criterion (what an in-memory store filters with).</summary>
    public bool Matches(ReconciliationStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.IsRequester == IsRequester
            && (Party is null || status.PartyName == Party)
            && (LastReconciliationStatus is null || status.LastReconciliationStatus == LastReconciliationStatus);
    }
}
