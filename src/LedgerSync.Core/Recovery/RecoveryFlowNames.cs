namespace LedgerSync.Recovery;

/// <summary>The names of the recovery flows, as used in log scopes, the in-flight dump and the shell syntax.</summary>
public static class RecoveryFlowNames
{
    /// <summary>Queues a recovery of transactions from a party; also the flow name of the recovery while it runs (requester and responder).</summary>
    public const string RecoverTransactions = "RecoverTransactionsFlow";

    /// <summary>Gets a party's latest recovery with its progress.</summary>
    public const string GetRecoveryStatusForParty = "GetRecoveryStatusForPartyFlow";
}
