namespace LedgerSync.Recovery;

/// <summary>The store no longer holds the worker's claim on a recovery (its lease expired and another worker resumed it, or it was stopped).</summary>
internal sealed class RecoveryClaimLostException() : LedgerSyncException("The recovery's claim no longer holds: it was stopped, or another worker took it over after its lease expired.");
