namespace LedgerSync.Ledger;

/// <summary>
/// A transaction source over records held in memory: for tests, samples and hosts that already have their metadata
/// at hand. The default source when none is configured (empty unless records are added). Thread-safe.
/// </summary>
public sealed class InMemoryTransactionSource : ITransactionSource
{
    private readonly Lock _lock = new();
    private readonly List<TransactionRecord> _records = [];

    /// <summary>Creates an empty source.</summary>
    public InMemoryTransactionSource()
    {
    }

    /// <summary>Creates a source holding <paramref name="transactions"/>, returned in this order.</summary>
    /// <param name="transactions">The transactions.</param>
    public InMemoryTransactionSource(IEnumerable<TransactionMetadata> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        foreach (var transaction in transactions)
        {
            Add(transaction);
        }
    }

    /// <summary>The number of records held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>Whether <see cref="GetTotalCountAsync"/> announces the total (default <see langword="true"/>).</summary>
    public bool AnnouncesTotal { get; set; } = true;

    /// <summary>Appends a transaction.</summary>
    /// <param name="transaction">The transaction's metadata.</param>
    public void Add(TransactionMetadata transaction) => Add(TransactionRecord.FromMetadata(transaction));

    /// <summary>Appends a record (metadata, raw bytes or a malformed row).</summary>
    /// <param name="record">The record.</param>
    public void Add(TransactionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            _records.Add(record);
        }
    }

    /// <inheritdoc />
    public ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<long?>(AnnouncesTotal ? Count : null);

    /// <inheritdoc />
    public ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var start = continuation switch
        {
            null => 0,
            int position => position,
            _ => throw new ArgumentException($"Not a continuation of this source: {continuation.GetType().Name}.", nameof(continuation)),
        };

        lock (_lock)
        {
            if (start >= _records.Count)
            {
                return ValueTask.FromResult(TransactionPage.Empty);
            }

            var count = Math.Min(pageSize, _records.Count - start);
            var page = _records.GetRange(start, count);
            object? next = start + count < _records.Count ? start + count : null;
            return ValueTask.FromResult(new TransactionPage(page, next));
        }
    }
}
