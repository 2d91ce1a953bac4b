using System.Collections.Immutable;

namespace LedgerSync.Ledger;

/// <summary>
/// What LedgerSync knows of a transaction: its ID, the IDs of the transactions it depends on (its inputs and
/// references), and its participants. Never the transaction's payload.
/// </summary>
/// <param name="Id">The transaction's ID.</param>
/// <param name="Dependencies">The IDs of the transactions it depends on.</param>
/// <param name="Participants">The parties that participate in it.</param>
public sealed record TransactionMetadata(TransactionId Id, ImmutableArray<TransactionId> Dependencies, ImmutableArray<PartyName> Participants);
