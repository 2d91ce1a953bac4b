namespace LedgerSync.Ledger;

/// <summary>One consistency error of the ledger graph.</summary>
/// <param name="TransactionId">The transaction at fault.</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Message">A sentence an operator can act on, naming the transaction (and the other transaction involved, if any).</param>
public sealed record LedgerGraphError(TransactionId TransactionId, LedgerGraphErrorKind Kind, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
