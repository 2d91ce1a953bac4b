namespace LedgerSync.Status;

/// <summary>
/// The key of a status row: the counterparty and the role. Keys are ordered by the party's canonical text (ordinal),
/// then responder (<see langword="false"/>) before requester, the order of <see cref="IStatusStore.ReadResultsPageAsync"/>.
/// </summary>
/// <param name="Party">The counterparty.</param>
/// <param name="IsRequester">The role: <see langword="true"/> when this node requested the reconciliation.</param>
public readonly record struct StatusKey(PartyName Party, bool IsRequester) : IComparable<StatusKey>
{
    /// <summary>The key of a row.</summary>
    public static StatusKey Of(ReconciliationStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new StatusKey(status.PartyName, status.IsRequester);
    }

    /// <summary>
    /// Throws when <paramref name="row"/> has another key: a store calls it on what an update function returned before
    /// writing it (an update must keep the row's party and role; see <see cref="IStatusStore.UpdateAsync"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="row"/> is for another party or role.</exception>
    public void EnsureKeyOf(ReconciliationStatus row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.PartyName != Party || row.IsRequester != IsRequester)
        {
            throw new ArgumentException(
                $"The status update for ({Party}, isRequester={(IsRequester ? "true" : "false")}) returned a row for " +
                $"({row.PartyName}, isRequester={(row.IsRequester ? "true" : "false")}); an update must keep the row's party and role.",
                nameof(row));
        }
    }

    /// <inheritdoc />
    public int CompareTo(StatusKey other)
    {
        var byParty = string.CompareOrdinal(Party?.ToString(), other.Party?.ToString());
        return byParty != 0 ? byParty : IsRequester.CompareTo(other.IsRequester);
    }

    /// <summary>Whether <paramref name="left"/> comes before <paramref name="right"/>.</summary>
    public static bool operator <(StatusKey left, StatusKey right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> comes after <paramref name="right"/>.</summary>
    public static bool operator >(StatusKey left, StatusKey right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> does not come after <paramref name="right"/>.</summary>
    public static bool operator <=(StatusKey left, StatusKey right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> does not come before <paramref name="right"/>.</summary>
    public static bool operator >=(StatusKey left, StatusKey right) => left.CompareTo(right) >= 0;
}
