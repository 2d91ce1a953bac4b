namespace LedgerSync.Ledger;

/// <summary>One page read from an <see cref="ITransactionSource"/>.</summary>
public sealed class TransactionPage
{
    /// <summary>Creates a page.</summary>
    /// <param name="records">The records of the page.</param>
    /// <param name="continuation">Where the page ended, handed back to read the next page; <see langword="null"/> when this is the last page.</param>
    public TransactionPage(IReadOnlyList<TransactionRecord> records, object? continuation)
    {
        ArgumentNullException.ThrowIfNull(records);
        Records = records;
        Continuation = continuation;
    }

    /// <summary>A page with no records that ends the read.</summary>
    public static TransactionPage Empty { get; } = new([], null);

    /// <summary>The records of the page.</summary>
    public IReadOnlyList<TransactionRecord> Records { get; }

    /// <summary>Where the page ended (opaque to the graph); <see langword="null"/> when there are no more pages.</summary>
    public object? Continuation { get; }

    /// <summary>Whether this is the last page.</summary>
    public bool IsLast => Continuation is null;
}
