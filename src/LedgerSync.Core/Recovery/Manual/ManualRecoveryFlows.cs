using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Recovery.Manual;

/// <summary>
/// The manual fallback of recovery, for when the nodes cannot talk: the node that holds the transactions exports them
/// to a zip (<c>ExportTransactionsForPartyFlow</c>), an operator carries the file over, and the node that lacks them
/// imports it (<c>ImportTransactionsFlow</c>) through the same verification and sink as a recovery over the network.
/// Resolve it from the container after <c>AddLedgerSync()</c>; both flows are also reachable by name through
/// <see cref="Flows.ReconciliationFlows.StartFlowAsync(string, CancellationToken)"/>. See <c>docs/recovery-manual.md</c>.
/// </summary>
public sealed partial class ManualRecoveryFlows
{
    /// <summary>How long an import holds its recovery between commits before another worker may take it over.</summary>
    internal static readonly TimeSpan ImportLease = TimeSpan.FromMinutes(10);

    private readonly ILedgerGraph _graph;
    private readonly ITransactionPayloadSource? _source;
    private readonly ITransactionDecoder? _decoder;
    private readonly IRecoveredTransactionSink? _sink;
    private readonly IRecoveryStore _store;
    private readonly LedgerSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<CancellationToken, Task>? _refresh;
    private readonly ILogger _logger;

    internal ManualRecoveryFlows(
        ILedgerGraph graph,
        IRecoveryStore store,
        LedgerSyncOptions options,
        TimeProvider time,
        ITransactionPayloadSource? source,
        ITransactionDecoder? decoder,
        IRecoveredTransactionSink? sink,
        Func<CancellationToken, Task>? refresh,
        ILogger<ManualRecoveryFlows>? logger)
    {
        _graph = graph;
        _store = store;
        _options = options;
        _time = time;
        _source = source;
        _decoder = decoder;
        _sink = sink;
        _refresh = refresh;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// <c>ExportTransactionsForPartyFlow</c>: writes to <paramref name="path"/> a zip of the transactions
    /// <paramref name="party"/> may receive — only IDs in its relevant set, whatever is asked — in batches of
    /// <c>manualExportTransactionsBatchSize</c>, with a manifest of IDs, sizes and SHA-256 digests.
    /// </summary>
    /// <param name="party">The party the file is for.</param>
    /// <param name="path">The zip to write (replaced if it exists, only once complete).</param>
    /// <param name="transactionIds">The IDs asked for (for example the other node's reconciliation result); <see langword="null"/> for the party's whole relevant set.</param>
    /// <param name="cancellationToken">Cancels the export (no file is left behind).</param>
    /// <returns>What was written; the IDs left out are counted, not named, and are not in the file.</returns>
    /// <exception cref="ReconciliationWithSelfException">The party is this node.</exception>
    /// <exception cref="RecoveryNotConfiguredException">No payload source is registered.</exception>
    public async Task<ManualExportResult> ExportTransactionsForPartyAsync(PartyName party, string path, IReadOnlyCollection<TransactionId>? transactionIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var scope = _logger.BeginFlowScope(ManualRecoveryFlowNames.ExportTransactionsForParty, party: party);
        var exporter = new ManualRecoveryExporter(_graph, _source, LocalParty(), _options.ManualExportTransactionsBatchSize, _time);
        var result = await exporter.ExportAsync(party, path, transactionIds, cancellationToken).ConfigureAwait(false);
        Log.Exported(_logger, result.Exported, result.Bytes, result.Batches, party, result.NotInRelevantSet, result.NotHeld);
        return result;
    }

    /// <summary>
    /// <c>ImportTransactionsFlow</c>: imports a zip that <paramref name="party"/> exported for this node. The file is
    /// checked as a whole first (see <see cref="ManualRecoveryFileException"/>); then each transaction's digest and its
    /// decoding (the decoded ID must be the listed ID, and it must name both parties or be in the back-chain of one that
    /// does) before the sink stores it. The import is recorded as a recovery from the party (see
    /// <c>GetRecoveryStatusForPartyFlow</c>), its outcomes committed every
    /// <c>manualImportNumberOfTransactionsToCommitAfter</c> transactions; the reconciliation statuses are refreshed
    /// at the end. Importing the same file again is harmless (what is held is not stored twice).
    /// </summary>
    /// <param name="party">The party that exported the file (it must say so in its manifest).</param>
    /// <param name="path">The zip.</param>
    /// <param name="cancellationToken">Cancels the import; what was committed stays.</param>
    /// <returns>The recovery as it ended.</returns>
    /// <exception cref="ManualRecoveryFileException">The file cannot be imported as a whole; nothing was stored, unless it broke off mid-import (the recovery then ends <c>FAILED</c>).</exception>
    /// <exception cref="RecoveryAlreadyInProgressException">A recovery from the party is queued or in progress.</exception>
    /// <exception cref="RecoveryNotConfiguredException">The transaction decoder or the sink is not registered.</exception>
    public async Task<RecoveryStatus> ImportTransactionsAsync(PartyName party, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var scope = _logger.BeginFlowScope(ManualRecoveryFlowNames.ImportTransactions, party: party);
        var decoder = _decoder ?? throw new RecoveryNotConfiguredException(nameof(ITransactionDecoder), "This node cannot verify imported transactions: register the host's transaction decoder with .UseTransactionDecoder(...).");
        var sink = _sink ?? throw new RecoveryNotConfiguredException(nameof(IRecoveredTransactionSink), "This node has nowhere to store imported transactions: register a sink with .UseRecoveredTransactionSink(...).");
        var verifier = new RecoveryVerifier(decoder, sink, _graph, Options.Create(_options));
        var importer = new ManualRecoveryImporter(_graph, decoder, verifier, _store, LocalParty(), _options.ManualImportNumberOfTransactionsToCommitAfter, ImportLease, _time);
        RecoveryStatus status;
        try
        {
            status = await importer.ImportAsync(party, path, cancellationToken).ConfigureAwait(false);
        }
        catch (ManualRecoveryFileException e)
        {
            Log.ImportRefused(_logger, party, e.Problem);
            throw;
        }

        var state = status.State.ToName();
        Log.Imported(_logger, status.RecoveryId, party, state, status.RecoveredCount, status.RejectedCount, status.BytesRecovered);
        if (_refresh is not null && status.RecoveredCount > 0)
        {
            await _refresh(cancellationToken).ConfigureAwait(false);
        }

        return status;
    }

    private PartyName LocalParty() =>
        _options.LocalParty ?? throw new LedgerSyncConfigurationException("Manual recovery needs this node's identity: set localParty.");

    private static partial class Log
    {
        [LoggerMessage(EventId = 7500, Level = LogLevel.Information, Message = "Exported {Count} transactions ({Bytes} bytes, {Batches} batches) for {Party}; {NotInRelevantSet} requested IDs outside its relevant set and {NotHeld} not held were left out")]
        public static partial void Exported(ILogger logger, int count, long bytes, int batches, PartyName party, int notInRelevantSet, int notHeld);

        [LoggerMessage(EventId = 7501, Level = LogLevel.Information, Message = "Imported recovery {RecoveryId} from {Party}: {State}, {Recovered} recovered, {Rejected} rejected, {Bytes} bytes")]
        public static partial void Imported(ILogger logger, Guid recoveryId, PartyName party, string state, int recovered, int rejected, long bytes);

        [LoggerMessage(EventId = 7502, Level = LogLevel.Warning, Message = "Refused to import a manual recovery file from {Party}: {Problem}")]
        public static partial void ImportRefused(ILogger logger, PartyName party, string problem);
    }
}
