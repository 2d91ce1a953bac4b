namespace LedgerSync.Ledger;

/// <summary>
/// Turns a host's raw transaction bytes into metadata. Supplied by the host when its <see cref="ITransactionSource"/>
/// returns bytes (<see cref="TransactionRecord.FromBytes"/>); called in parallel on <c>transactionReaderPoolSize</c>
/// workers, so it must be thread-safe.
/// </summary>
public interface ITransactionDecoder
{
    /// <summary>Decodes one transaction. Throw (any exception but cancellation) when the bytes cannot be read; the graph records the failure as an error naming the transaction.</summary>
    /// <param name="bytes">The raw transaction.</param>
    TransactionMetadata Decode(ReadOnlyMemory<byte> bytes);
}
