namespace LedgerSync.Ledger;

/// <summary>
/// Hands a host's ledger to the ledger graph at start-up: the transactions' metadata (or raw bytes for an
/// <see cref="ITransactionDecoder"/>) in pages, keyset style. Transactions stored after start-up are reported to the
/// graph with <see cref="ILedgerGraph.Record"/>; a transaction the source also returns is not counted twice.
/// </summary>
public interface ITransactionSource
{
    /// <summary>The number of transactions the source will return, for percent progress; <see langword="null"/> if unknown or costly.</summary>
    /// <param name="cancellationToken">Cancels the count.</param>
    ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the page that follows <paramref name="continuation"/> (<see langword="null"/> for the first page). Pages are
    /// read one after the other; a page's <see cref="TransactionPage.Continuation"/> is handed back to read the next.
    /// </summary>
    /// <param name="continuation">Where the previous page ended (opaque to the graph), or <see langword="null"/>.</param>
    /// <param name="pageSize">The most records to return (<c>transactionReaderPageSize</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default);
}
