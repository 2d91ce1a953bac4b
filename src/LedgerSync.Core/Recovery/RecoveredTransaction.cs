using LedgerSync.Ledger;

namespace LedgerSync.Recovery;

/// <summary>A recovered transaction, verified, as handed to the <see cref="IRecoveredTransactionSink"/>.</summary>
/// <param name="Id">The transaction's ID (equal to <see cref="TransactionMetadata.Id"/> of <paramref name="Metadata"/>).</param>
/// <param name="Counterparty">The party it was recovered from (as authenticated by the transport, or named by a manual import).</param>
/// <param name="Payload">The host's bytes, exactly as the counterparty's payload source returned them. Valid only during the call.</param>
/// <param name="Metadata">What the host's decoder made of <paramref name="Payload"/>.</param>
public sealed record RecoveredTransaction(TransactionId Id, PartyName Counterparty, ReadOnlyMemory<byte> Payload, TransactionMetadata Metadata);
