using LedgerSync.Recovery;

namespace LedgerSync.Flows;

/// <summary><c>RecoverTransactionsFlow</c>: the recovery as queued.</summary>
public sealed class RecoverTransactionsFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="status">The queued recovery.</param>
    public RecoverTransactionsFlowResult(RecoveryStatus status)
        : base(RecoveryFlowNames.RecoverTransactions)
    {
        ArgumentNullException.ThrowIfNull(status);
        Status = status;
    }

    /// <summary>The queued recovery; follow it with <c>GetRecoveryStatusForPartyFlow</c>.</summary>
    public RecoveryStatus Status { get; }

    /// <inheritdoc />
    public override string FormatValue() => Format(Status);
}
