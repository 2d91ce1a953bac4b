using System.Globalization;
using LedgerSync.Ledger;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Scheduling;

/// <summary>
/// Checks a request to schedule reconciliations before anything is queued, and refuses it with a typed exception:
/// arguments, this node itself, duplicates, a party the transport cannot reach, a ledger graph that is not ready, a
/// party already scheduled or reconciling with this node (on any instance sharing the job store).
/// </summary>
internal sealed class ReconciliationRequestValidator
{
    private readonly LedgerSyncOptions _options;
    private readonly ILedgerGraph _ledgerGraph;
    private readonly IPeerTransport? _transport;
    private readonly ExecutionPool _pool;
    private readonly IReconciliationJobQueries _queries;
    private readonly ILogger _logger;

    public ReconciliationRequestValidator(
        IOptions<LedgerSyncOptions> options,
        ILedgerGraph ledgerGraph,
        IPeerTransport? transport,
        ExecutionPool pool,
        IReconciliationJobQueries queries,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _ledgerGraph = ledgerGraph;
        _transport = transport;
        _pool = pool;
        _queries = queries;
        _logger = logger;
    }

    /// <exception cref="ArgumentException">No party, a <see langword="null"/> party, or a non-positive interval.</exception>
    /// <exception cref="ReconciliationWithSelfException">A party is this node.</exception>
    /// <exception cref="ReconciliationAlreadyScheduledException">A party is listed twice, already scheduled, or reconciling with this node.</exception>
    /// <exception cref="PeerUnreachableException">The transport has no way to reach a party.</exception>
    /// <exception cref="LedgerGraphNotReadyException">The ledger graph is not initialized or not self-consistent.</exception>
    public async Task ValidateAsync(IReadOnlyCollection<PartyName> parties, TimeSpan? repeatEvery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parties);
        if (parties.Count == 0)
        {
            throw new ArgumentException("At least one party is required.", nameof(parties));
        }

        if (repeatEvery is { } every && every <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(repeatEvery), every, "A recurring schedule needs a positive interval.");
        }

        var local = _options.LocalParty
            ?? throw new LedgerSyncConfigurationException("LocalParty is not set: the scheduler cannot tell whether a party is this node. Set LedgerSync:LocalParty.", nameof(LedgerSyncOptions.LocalParty));
        var seen = new HashSet<PartyName>();
        foreach (var party in parties)
        {
            ArgumentNullException.ThrowIfNull(party, nameof(parties));
            if (party == local)
            {
                throw new ReconciliationWithSelfException(party);
            }

            if (!seen.Add(party))
            {
                throw new ReconciliationAlreadyScheduledException(party, $"{party} appears more than once in the list of parties to schedule.");
            }

            if (_transport is not null && !_transport.CanReach(party))
            {
                throw new PeerUnreachableException(party, $"{party} cannot be reached: the peer transport has no address for it (it is not on the network this node knows). Add its address to the transport's configuration, then schedule again.");
            }
        }

        EnsureLedgerGraphReady();
        foreach (var party in parties)
        {
            await EnsureNotBusyWithAsync(party, cancellationToken).ConfigureAwait(false);
        }
    }

    public static ReconciliationAlreadyScheduledException AlreadyScheduled(PartyName party, ReconciliationJob? job)
    {
        var message = job switch
        {
            { IsRequester: false } => $"{party} is reconciling with this node right now (incoming run {job.RunId}); schedule again once it has finished, or stop it with StopReconciliationForPartyFlow.",
            { State: ReconciliationJobState.Running } => $"An outgoing reconciliation with {party} is already running (run {job.RunId}); wait for it to finish or stop it with StopReconciliationForPartyFlow.",
            { Attempt: > 0 } => $"An outgoing reconciliation with {party} is already scheduled (run {job.RunId}, waiting to retry); stop it with StopReconciliationForPartyFlow to schedule anew.",
            { } => string.Create(CultureInfo.InvariantCulture, $"An outgoing reconciliation with {party} is already scheduled (run {job.RunId}, due {job.DueAt:O}{(job.RepeatEvery is { } r ? $", every {r}" : string.Empty)}); stop it with StopReconciliationForPartyFlow to schedule anew."),
            null => $"An outgoing reconciliation with {party} is already queued or running; stop it with StopReconciliationForPartyFlow to schedule anew.",
        };
        return new ReconciliationAlreadyScheduledException(party, message);
    }

    private void EnsureLedgerGraphReady()
    {
        var initialized = _ledgerGraph.IsInitialized;
        var consistent = initialized && _ledgerGraph.IsSelfConsistent;
        if (!initialized || !consistent)
        {
            throw LedgerGraphNotReady(_ledgerGraph, _logger);
        }
    }

    /// <summary>The exception (and log line) for a graph that is not ready, with its first errors.</summary>
    public static LedgerGraphNotReadyException LedgerGraphNotReady(ILedgerGraph graph, ILogger logger)
    {
        var initialized = graph.IsInitialized;
        var consistent = initialized && graph.IsSelfConsistent;
        var errors = initialized ? graph.Errors.Take(20).Select(e => e.Message).ToArray() : [];
        SchedulerLog.LedgerGraphNotReady(logger, initialized, consistent, errors.Length);
        return new LedgerGraphNotReadyException(initialized, consistent, errors);
    }

    private async Task EnsureNotBusyWithAsync(PartyName party, CancellationToken cancellationToken)
    {
        var incoming = _pool.Runs.FirstOrDefault(r => !r.IsRequester && r.Party == party);
        if (incoming is not null)
        {
            throw AlreadyScheduled(party, incoming.Job);
        }

        var jobs = await _queries.GetForPartyAsync(party, cancellationToken).ConfigureAwait(false);
        if (jobs.Count > 0)
        {
            throw AlreadyScheduled(party, jobs.FirstOrDefault(j => j.IsRequester) ?? jobs[0]);
        }
    }
}
