namespace LedgerSync.Recovery.Manual;

/// <summary>The names of the manual-recovery flows, as the shell and the logs' <c>FlowName</c> spell them.</summary>
public static class ManualRecoveryFlowNames
{
    /// <summary><c>ExportTransactionsForPartyFlow</c>: writes the transactions a party may receive to a zip.</summary>
    public const string ExportTransactionsForParty = "ExportTransactionsForPartyFlow";

    /// <summary><c>ImportTransactionsFlow</c>: imports such a zip through the verifying sink.</summary>
    public const string ImportTransactions = "ImportTransactionsFlow";
}
