using System.Collections.Immutable;
using LedgerSync.Ledger;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// One transaction as the sample's host ledger stores it: the ID (the SHA-256 hash of its content), the order it was
/// recorded in, what it depends on, who participates, and an opaque payload LedgerSync never reads.
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
