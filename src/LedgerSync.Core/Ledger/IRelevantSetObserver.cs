namespace LedgerSync.Ledger;

/// <summary>Receives the members of a relevant set (for example, a sketch encoder kept warm per counterparty).</summary>
public interface IRelevantSetObserver
{
    /// <summary>Called once per member, current or added later. Must be quick and must not throw.</summary>
    void OnAdded(TransactionId id);
}
