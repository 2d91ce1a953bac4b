using LedgerSync.Recovery;
using LedgerSync.Recovery.Manual;

namespace LedgerSync.Flows;

/// <summary><c>ImportTransactionsFlow</c>: the recovery the import was recorded as, as it ended.</summary>
public sealed class ImportTransactionsFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="status">The recovery as it ended.</param>
    public ImportTransactionsFlowResult(RecoveryStatus status)
        : base(ManualRecoveryFlowNames.ImportTransactions)
    {
        ArgumentNullException.ThrowIfNull(status);
        Status = status;
    }

    /// <summary>The recovery the import was recorded as, as it ended (recovered, rejected and refused counts).</summary>
    public RecoveryStatus Status { get; }

    /// <inheritdoc />
    public override string FormatValue() => Format(Status);
}
