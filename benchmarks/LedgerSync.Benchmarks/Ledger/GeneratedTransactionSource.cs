using LedgerSync.Ledger;

namespace LedgerSync.Benchmarks.Ledger;

/// <summary>A source that generates the benchmark ledger page by page, so that very large ledgers need not be held twice in memory.</summary>
internal sealed class GeneratedTransactionSource(int count, int seed = 20_260_101) : ITransactionSource
{
    private readonly LedgerShape _shape = new(seed);

    public ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(count);

    public ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        var start = continuation is int position ? position : 0;
        var take = Math.Min(pageSize, count - start);
        var records = new TransactionRecord[take];
        for (var i = 0; i < take; i++)
        {
            records[i] = TransactionRecord.FromMetadata(_shape.Next());
        }

        object? next = start + take < count ? start + take : null;
        return ValueTask.FromResult(new TransactionPage(records, next));
    }
}
