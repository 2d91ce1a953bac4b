namespace LedgerSync.Ledger;

/// <summary>The transactions relevant to one counterparty, kept current as transactions are recorded.</summary>
public interface IRelevantSet
{
    /// <summary>The counterparty this set belongs to.</summary>
    PartyName Counterparty { get; }

    /// <summary>The number of transactions in the set.</summary>
    int Count { get; }

    /// <summary>Whether the set holds <paramref name="id"/>.</summary>
    bool Contains(TransactionId id);

    /// <summary>A copy of the current members.</summary>
    IReadOnlyCollection<TransactionId> Snapshot();

    /// <summary>
    /// Calls <see cref="IRelevantSetObserver.OnAdded"/> for every current member and then, until the subscription is
    /// disposed, for every member added later; no member is missed or reported twice.
    /// </summary>
    IDisposable Subscribe(IRelevantSetObserver observer);
}
