using LedgerSync.Diagnostics;

namespace LedgerSync.Flows;

/// <summary><c>DumpInFlightReconciliationsFlow</c>: the zip written, printed as its path.</summary>
public sealed class DumpInFlightReconciliationsFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="filePath">The path of the zip written.</param>
    public DumpInFlightReconciliationsFlowResult(string filePath)
        : base(FlowNames.DumpInFlightReconciliations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        FilePath = filePath;
    }

    /// <summary>The path of the zip written (<c>checkpoints_dump-&lt;yyyyMMdd-HHmmss&gt;.zip</c>).</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public override string FormatValue() => FilePath;
}
