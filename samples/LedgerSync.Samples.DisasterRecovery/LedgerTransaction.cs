using System.Collections.Immutable;
using LedgerSync.Ledger;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// One transaction as the sample's host ledger stores it: the ID (the SHA-256 hash of its content), the order it was
/// recorded in, what it depends on, who participates, and its serialized form (<see cref="LedgerTransactionCodec"/>),
/// which LedgerSync reads only to recover the transaction for a counterparty, through the host's decoder.
/// </summary>
internal sealed record LedgerTransaction(
    TransactionId Id,
    long Sequence,
    ImmutableArray<TransactionId> Dependencies,
    ImmutableArray<PartyName> Participants,
    byte[] Payload)
{
    /// <summary>What LedgerSync's ledger graph is told about the transaction (never the payload).</summary>
    public TransactionMetadata ToMetadata() => new(Id, Dependencies, Participants);
}
