using Dapper;
using LedgerSync.Recovery;

namespace LedgerSync.Samples.Node;

/// <summary>
/// A sink written for this ledger (the README's "write your own"): LedgerSync hands it each recovered transaction once
/// its payload has been verified with <see cref="NodeTransactionCodec"/>; it stores the row and answers accepted. The
/// insert is idempotent (<c>ON CONFLICT DO NOTHING</c>): a resumed recovery may hand it the same transaction again.
/// </summary>
internal sealed class NodeRecoveredTransactionSink(NodeLedger ledger) : IRecoveredTransactionSink
{
    public async ValueTask<RecoveredTransactionResult> StoreAsync(RecoveredTransaction transaction, CancellationToken cancellationToken = default)
    {
        var (_, series, index, _, _) = NodeTransactionCodec.Parse(transaction.Payload.Span);
        if (series != string.Join(";", transaction.Metadata.Participants.Order()))
        {
            return RecoveredTransactionResult.Rejected("its series does not name its participants.");
        }

        await using var connection = ledger.CreateConnection();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ledger_transactions (id, dependencies, participants, series, series_index) VALUES (@Id, @Dependencies, @Participants, @Series, @Index) ON CONFLICT DO NOTHING",
            new
            {
                Id = transaction.Id.ToString(),
                Dependencies = string.Join(",", transaction.Metadata.Dependencies),
                Participants = series,
                Series = series,
                Index = index,
            },
            cancellationToken: cancellationToken));
        return RecoveredTransactionResult.Accepted;
    }
}
