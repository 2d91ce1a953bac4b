namespace LedgerSync.Recovery;

/// <summary>
/// The requester's plug-in for recovery: stores a recovered transaction in the host's ledger. LedgerSync calls it only
/// with a payload it has verified with the host's <see cref="Ledger.ITransactionDecoder"/> (the decoded ID is the
/// requested ID, and the transaction names both this node and the counterparty or is a dependency this node's ledger
/// lacks), and records in the ledger graph what the sink accepts.
/// </summary>
/// <remarks>
/// <para>
/// <b>Idempotent.</b> The sink is called at least once per transaction: a restart between the store and the recording of
/// its outcome calls it again with the same transaction. Storing a transaction that is already stored must answer
/// <see cref="RecoveredTransactionResult.Accepted"/> and change nothing.
/// </para>
/// <para>
/// Answer <see cref="RecoveredTransactionResult.Rejected(string)"/> for a transaction the host will not store (its own
/// checks fail); the reason is recorded and shown to operators. Throwing fails the whole recovery (the outcome is then
/// unknown and the transaction is asked for again when the recovery is restarted).
/// </para>
/// </remarks>
public interface IRecoveredTransactionSink
{
    /// <summary>Stores <paramref name="transaction"/>, or says why not.</summary>
    /// <param name="transaction">The verified transaction: its ID, payload, decoded metadata and the counterparty it came from.</param>
    /// <param name="cancellationToken">Cancels the store.</param>
    /// <returns>Accepted, or rejected with a reason.</returns>
    ValueTask<RecoveredTransactionResult> StoreAsync(RecoveredTransaction transaction, CancellationToken cancellationToken = default);
}
