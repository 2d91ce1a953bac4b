using LedgerSync.Recovery.Manual;

namespace LedgerSync.Flows;

/// <summary><c>ExportTransactionsForPartyFlow</c>: what was written to the export file.</summary>
public sealed class ExportTransactionsForPartyFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="export">What was written.</param>
    public ExportTransactionsForPartyFlowResult(ManualExportResult export)
        : base(ManualRecoveryFlowNames.ExportTransactionsForParty)
    {
        ArgumentNullException.ThrowIfNull(export);
        Export = export;
    }

    /// <summary>What was written: the file, the counts exported and left out, the bytes and batches.</summary>
    public ManualExportResult Export { get; }

    /// <inheritdoc />
    public override string FormatValue() => Format(Export);
}
