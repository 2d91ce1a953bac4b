namespace LedgerSync.Recovery.Manual;

/// <summary>What a manual export wrote (shown to this node's operator only; the file itself lists only what was exported).</summary>
/// <param name="FilePath">The zip written.</param>
/// <param name="Party">The party the file is for.</param>
/// <param name="Exported">Transactions written.</param>
/// <param name="Bytes">Their payload bytes.</param>
/// <param name="Batches">Batches written (of at most <c>manualExportTransactionsBatchSize</c> transactions each).</param>
/// <param name="NotInRelevantSet">Requested IDs left out because they are not in the party's relevant set.</param>
/// <param name="NotHeld">Requested IDs in the relevant set that the payload source does not hold (or that are too large to export).</param>
public sealed record ManualExportResult(string FilePath, PartyName Party, int Exported, long Bytes, int Batches, int NotInRelevantSet, int NotHeld);
