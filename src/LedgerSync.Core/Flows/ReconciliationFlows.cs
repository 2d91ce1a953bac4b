using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Recovery.Manual;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Flows;

/// <summary>
/// The seven flows of LedgerSync, the operator- and host-facing API, as typed methods and by name with string
/// arguments in the reference shell's syntax (<see cref="StartFlowAsync(FlowCommand, CancellationToken)"/>, returning a typed <see cref="FlowResult"/>) for host shells
/// and RPC layers. Resolve it from the container after <c>AddLedgerSync()</c>.
/// </summary>
public sealed partial class ReconciliationFlows
{
    private readonly ReconciliationScheduler _scheduler;
    private readonly IStatusStore _statusStore;
    private readonly ILedgerGraph _ledgerGraph;
    private readonly InFlightDumper? _dumper;
    private readonly ILogger _logger;

    /// <summary>Creates the flows over a scheduler, the status store and the ledger graph, with the in-flight dumper behind <see cref="DumpInFlightReconciliationsAsync"/> when given.</summary>
    /// <remarks>Internal: users get the flows from the container after <c>AddLedgerSync()</c> (or from the node builder).</remarks>
    internal ReconciliationFlows(ReconciliationScheduler scheduler, IStatusStore statusStore, ILedgerGraph ledgerGraph, InFlightDumper? dumper = null, ILogger<ReconciliationFlows>? logger = null)
    {
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _statusStore = statusStore ?? throw new ArgumentNullException(nameof(statusStore));
        _ledgerGraph = ledgerGraph ?? throw new ArgumentNullException(nameof(ledgerGraph));
        _dumper = dumper;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The directory <see cref="DumpInFlightReconciliationsAsync"/> writes to when none is given: <c>logs</c>, as the reference node does.</summary>
    public const string DefaultDumpDirectory = "logs";

    /// <summary>
    /// <c>DumpInFlightReconciliationsFlow</c>: writes <c>checkpoints_dump-&lt;yyyyMMdd-HHmmss&gt;.zip</c> with one JSON file per
    /// queued or running reconciliation into <paramref name="directory"/> (default <see cref="DefaultDumpDirectory"/>,
    /// created if missing) and returns the zip's path.
    /// </summary>
    /// <exception cref="InvalidOperationException">The flows were created without an in-flight dumper.</exception>
    public Task<string> DumpInFlightReconciliationsAsync(string? directory = null, CancellationToken cancellationToken = default)
    {
        if (_dumper is null)
        {
            throw new InvalidOperationException("These flows were created without an InFlightDumper; register LedgerSync with AddLedgerSync().");
        }

        return _dumper.WriteToDirectoryAsync(string.IsNullOrWhiteSpace(directory) ? DefaultDumpDirectory : directory, cancellationToken);
    }

    /// <summary>The names of the flows, as accepted by <see cref="StartFlowAsync(FlowCommand, CancellationToken)"/>.</summary>
    public static IReadOnlyList<string> FlowNamesList { get; } =
    [
        FlowNames.ScheduleReconciliation,
        FlowNames.GetReconciliationStatuses,
        FlowNames.GetReconciliationStatusForParty,
        FlowNames.RefreshReconciliationStatuses,
        FlowNames.StopReconciliationForParty,
        FlowNames.IsReconciliationScheduledForParty,
        FlowNames.IsRespondingToReconciliationForParty,
        FlowNames.DumpInFlightReconciliations,
        RecoveryFlowNames.RecoverTransactions,
        RecoveryFlowNames.GetRecoveryStatusForParty,
        ManualRecoveryFlowNames.ExportTransactionsForParty,
        ManualRecoveryFlowNames.ImportTransactions,
    ];

    /// <summary>The recovery flows, reached by name through <see cref="StartFlowAsync(FlowCommand, CancellationToken)"/> and stopped with <see cref="StopReconciliationForPartyAsync"/>.</summary>
    internal RecoveryFlows? Recovery { get; init; }

    /// <summary>The manual recovery flows (export to a file, import from one), reached by name through <see cref="StartFlowAsync(FlowCommand, CancellationToken)"/>.</summary>
    internal ManualRecoveryFlows? ManualRecovery { get; init; }

    /// <summary>
    /// <c>ScheduleReconciliationFlow</c>: queues an outgoing reconciliation with each party and returns once they are
    /// queued. With <paramref name="startAt"/> the runs wait until then; with <paramref name="repeatEvery"/> they recur.
    /// </summary>
    /// <exception cref="ReconciliationWithSelfException">A party is this node.</exception>
    /// <exception cref="ReconciliationAlreadyScheduledException">A party already has an outgoing reconciliation queued or running, or is reconciling with this node.</exception>
    /// <exception cref="LedgerGraphNotReadyException">The ledger graph is still initializing or not self-consistent.</exception>
    public Task ScheduleReconciliationAsync(
        IReadOnlyCollection<PartyName> parties,
        DateTimeOffset? startAt = null,
        TimeSpan? repeatEvery = null,
        CancellationToken cancellationToken = default) =>
        _scheduler.ScheduleAsync(parties, startAt, repeatEvery, cancellationToken);

    /// <summary><c>GetReconciliationStatusesFlow</c>: the statuses in one role, optionally only one party's and/or only those whose latest run is in one state.</summary>
    public Task<IReadOnlyList<ReconciliationStatus>> GetReconciliationStatusesAsync(
        bool isRequester,
        PartyName? party = null,
        ReconciliationState? lastReconciliationStatus = null,
        CancellationToken cancellationToken = default) =>
        _statusStore.QueryAsync(new StatusQuery { IsRequester = isRequester, Party = party, LastReconciliationStatus = lastReconciliationStatus }, cancellationToken);

    /// <summary><c>GetReconciliationStatusForPartyFlow</c>: one party's status in one role, or <see langword="null"/> when none was recorded.</summary>
    public Task<ReconciliationStatus?> GetReconciliationStatusForPartyAsync(PartyName party, bool isRequester, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(party);
        return _statusStore.GetAsync(party, isRequester, cancellationToken);
    }

    /// <summary>
    /// <c>RefreshReconciliationStatusesFlow</c>: drops from every stored result the transactions now present in the
    /// ledger; a result left empty turns the stored <c>DIFFERENCES_FOUND</c> into <c>DIFFERENCES_NOT_FOUND</c>.
    /// Returns the number of IDs dropped.
    /// </summary>
    /// <exception cref="LedgerGraphNotReadyException">The ledger graph is still initializing, so presence cannot be known.</exception>
    public async Task<int> RefreshReconciliationStatusesAsync(CancellationToken cancellationToken = default)
    {
        using var scope = _logger.BeginFlowScope(FlowNames.RefreshReconciliationStatuses);
        if (!_ledgerGraph.IsInitialized)
        {
            throw new LedgerGraphNotReadyException(false, _ledgerGraph.IsSelfConsistent, []);
        }

        var removed = await _scheduler.Recorder.RemovePresentFromResultsAsync(_ledgerGraph.Contains, cancellationToken).ConfigureAwait(false);
        Log.Refreshed(_logger, removed);
        return removed;
    }

    /// <summary>
    /// <c>StopReconciliationForPartyFlow</c>, in one step: cancels queued and running work with the party (both roles),
    /// records <c>STOPPED</c> and frees the pool slots at once; a queued or running recovery from the party is stopped
    /// too. Returns whether anything was stopped.
    /// </summary>
    public async Task<bool> StopReconciliationForPartyAsync(PartyName party, CancellationToken cancellationToken = default)
    {
        var stopped = await _scheduler.StopReconciliationAsync(party, cancellationToken).ConfigureAwait(false);
        if (Recovery is { } recovery)
        {
            stopped |= await recovery.StopRecoveryForPartyAsync(party, cancellationToken).ConfigureAwait(false);
        }

        return stopped;
    }

    /// <summary><c>IsReconciliationScheduledForPartyFlow</c>: whether the scheduler knows an outgoing reconciliation with the party (queued, timed, backing off or running).</summary>
    public Task<bool> IsReconciliationScheduledForPartyAsync(PartyName party, CancellationToken cancellationToken = default) =>
        _scheduler.IsScheduledAsync(party, cancellationToken);

    /// <summary><c>IsRespondingToReconciliationForPartyFlow</c>: whether an incoming reconciliation from the party is in progress.</summary>
    public Task<bool> IsRespondingToReconciliationForPartyAsync(PartyName party, CancellationToken cancellationToken = default) =>
        _scheduler.IsRespondingAsync(party, cancellationToken);

    /// <summary>
    /// Starts a flow from one command in the reference shell's syntax, with or without the leading <c>flow start</c>,
    /// for example <c>GetReconciliationStatusForPartyFlow party: "O=PartyA, L=London, C=GB", isRequester: true</c>.
    /// Same as <see cref="StartFlowAsync(FlowCommand)"/> with <see cref="FlowCommand.Parse(string)"/>.
    /// </summary>
    /// <returns>The flow's typed result; its <see cref="FlowResult.ToString"/> is the line the reference shell prints.</returns>
    /// <exception cref="FlowArgumentException">The text is not in the shell syntax, or as for <see cref="StartFlowAsync(FlowCommand)"/>.</exception>
    public Task<FlowResult> StartFlowAsync(string command) => StartFlowAsync(command, CancellationToken.None);

    /// <inheritdoc cref="StartFlowAsync(string)"/>
    /// <param name="command">One command in the reference shell's syntax.</param>
    /// <param name="cancellationToken">Cancels the flow.</param>
    public Task<FlowResult> StartFlowAsync(string command, CancellationToken cancellationToken) =>
        StartFlowAsync(FlowCommand.Parse(command), cancellationToken);

    /// <summary>
    /// Starts a parsed flow command (see <see cref="FlowCommand.Parse(string)"/> and, for string arguments from an RPC
    /// layer, <see cref="FlowCommand.Parse(string, IReadOnlyDictionary{string, string})"/>) and returns the flow's typed
    /// result: one <see cref="FlowResult"/> subclass per flow, named after it (for example
    /// <see cref="GetReconciliationStatusForPartyFlowResult"/>), carrying what the typed method returns.
    /// </summary>
    /// <returns>The flow's typed result; its <see cref="FlowResult.ToString"/> is the line the reference shell prints.</returns>
    /// <exception cref="FlowArgumentException">Unknown flow, or an unknown, missing, repeated or malformed argument; the message names the flow, the parameter and the accepted values.</exception>
    public Task<FlowResult> StartFlowAsync(FlowCommand command) => StartFlowAsync(command, CancellationToken.None);

    /// <inheritdoc cref="StartFlowAsync(FlowCommand)"/>
    /// <param name="command">The parsed command.</param>
    /// <param name="cancellationToken">Cancels the flow.</param>
    public async Task<FlowResult> StartFlowAsync(FlowCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var flow = FlowNamesList.FirstOrDefault(n => string.Equals(n, command.FlowName, StringComparison.OrdinalIgnoreCase))
            ?? throw new FlowArgumentException(command.FlowName, null, FlowNamesList, $"'{command.FlowName}' is not a LedgerSync flow; the flows are {string.Join(", ", FlowNamesList)}.");
        var args = new FlowArguments(flow, command.Arguments);
        switch (flow)
        {
            case FlowNames.ScheduleReconciliation:
            {
                args.Allow("parties", "startAt", "repeatEvery");
                var parties = args.Parties("parties");
                var startAt = args.OptionalTime("startAt");
                var repeatEvery = args.OptionalDuration("repeatEvery");
                await ScheduleReconciliationAsync(parties, startAt, repeatEvery, cancellationToken).ConfigureAwait(false);
                return new ScheduleReconciliationFlowResult(parties, startAt, repeatEvery);
            }

            case FlowNames.GetReconciliationStatuses:
                args.Allow("party", "lastReconciliationStatus", "isRequester");
                return new GetReconciliationStatusesFlowResult(await GetReconciliationStatusesAsync(args.Boolean("isRequester"), args.OptionalParty("party"), args.OptionalState("lastReconciliationStatus"), cancellationToken).ConfigureAwait(false));
            case FlowNames.GetReconciliationStatusForParty:
                args.Allow("party", "isRequester");
                return new GetReconciliationStatusForPartyFlowResult(await GetReconciliationStatusForPartyAsync(args.Party("party"), args.Boolean("isRequester"), cancellationToken).ConfigureAwait(false));
            case FlowNames.RefreshReconciliationStatuses:
                args.Allow();
                return new RefreshReconciliationStatusesFlowResult(await RefreshReconciliationStatusesAsync(cancellationToken).ConfigureAwait(false));
            case FlowNames.StopReconciliationForParty:
                args.Allow("party");
                return new StopReconciliationForPartyFlowResult(await StopReconciliationForPartyAsync(args.Party("party"), cancellationToken).ConfigureAwait(false));
            case FlowNames.IsReconciliationScheduledForParty:
                args.Allow("party");
                return new IsReconciliationScheduledForPartyFlowResult(await IsReconciliationScheduledForPartyAsync(args.Party("party"), cancellationToken).ConfigureAwait(false));
            case FlowNames.IsRespondingToReconciliationForParty:
                args.Allow("party");
                return new IsRespondingToReconciliationForPartyFlowResult(await IsRespondingToReconciliationForPartyAsync(args.Party("party"), cancellationToken).ConfigureAwait(false));
            case FlowNames.DumpInFlightReconciliations:
                args.Allow("directory");
                return new DumpInFlightReconciliationsFlowResult(await DumpInFlightReconciliationsAsync(args.OptionalText("directory", "a directory path in double quotes"), cancellationToken).ConfigureAwait(false));
            case RecoveryFlowNames.RecoverTransactions:
                args.Allow("party", "transactionIds");
                return new RecoverTransactionsFlowResult(await RecoveryFlowsOrThrow(flow).RecoverTransactionsAsync(args.Party("party"), args.OptionalTransactionIds("transactionIds"), cancellationToken).ConfigureAwait(false));
            case RecoveryFlowNames.GetRecoveryStatusForParty:
                args.Allow("party");
                return new GetRecoveryStatusForPartyFlowResult(await RecoveryFlowsOrThrow(flow).GetRecoveryStatusForPartyAsync(args.Party("party"), cancellationToken).ConfigureAwait(false));
            case ManualRecoveryFlowNames.ExportTransactionsForParty:
                args.Allow("party", "file", "transactionIds");
                return new ExportTransactionsForPartyFlowResult(await ManualRecoveryFlowsOrThrow(flow).ExportTransactionsForPartyAsync(args.Party("party"), args.RequiredText("file", FileDescription), args.OptionalTransactionIds("transactionIds"), cancellationToken).ConfigureAwait(false));
            case ManualRecoveryFlowNames.ImportTransactions:
                args.Allow("party", "file");
                return new ImportTransactionsFlowResult(await ManualRecoveryFlowsOrThrow(flow).ImportTransactionsAsync(args.Party("party"), args.RequiredText("file", FileDescription), cancellationToken).ConfigureAwait(false));
            default:
                throw new InvalidOperationException($"{flow} is listed in FlowNamesList but has no entry in StartFlowAsync.");
        }
    }

    private const string FileDescription = "a file path in double quotes";

    private ManualRecoveryFlows ManualRecoveryFlowsOrThrow(string flow) =>
        ManualRecovery ?? throw new InvalidOperationException($"{flow} needs the manual recovery flows; register LedgerSync with AddLedgerSync().");

    private RecoveryFlows RecoveryFlowsOrThrow(string flow) =>
        Recovery ?? throw new InvalidOperationException($"{flow} needs the recovery flows; register LedgerSync with AddLedgerSync().");
}
