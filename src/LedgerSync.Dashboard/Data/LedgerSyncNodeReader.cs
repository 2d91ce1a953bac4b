using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Recovery;
using LedgerSync.Status;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LedgerSync.Dashboard.Data;

/// <summary>
/// Reads what the pages show from the node's LedgerSync services, through their public query API only: the monitor
/// (counts, ledger graph, in-flight runs), the flows (statuses), the run history and the health check. The one place, with
/// <see cref="LedgerSyncNodeActions"/>, where the dashboard touches LedgerSync's types; pages see only its own records.
/// </summary>
internal sealed class LedgerSyncNodeReader
{
    private const int MaxGraphErrorsShown = 20;

    private readonly ReconciliationMonitor _monitor;
    private readonly ReconciliationFlows _flows;
    private readonly LedgerSyncHealthCheck _health;
    private readonly IReconciliationRunHistory _history;
    private readonly RecoveryFlows _recovery;
    private readonly IOptionsMonitor<LedgerSyncOptions> _options;
    private readonly TimeProvider _time;

    public LedgerSyncNodeReader(
        ReconciliationMonitor monitor,
        ReconciliationFlows flows,
        LedgerSyncHealthCheck health,
        IReconciliationRunHistory history,
        RecoveryFlows recovery,
        IOptionsMonitor<LedgerSyncOptions> options,
        TimeProvider time)
    {
        _recovery = recovery;
        _monitor = monitor;
        _flows = flows;
        _health = health;
        _history = history;
        _options = options;
        _time = time;
    }

    /// <summary>The node's own identity, when configured.</summary>
    public string? LocalParty => _options.CurrentValue.LocalParty?.ToString();

    public async Task<OverviewModel> GetOverviewAsync(CancellationToken cancellationToken)
    {
        var counts = await _monitor.GetCountsAsync(cancellationToken).ConfigureAwait(false);
        var errors = _monitor.LedgerGraphErrors;
        var failed = await _flows.GetReconciliationStatusesAsync(true, null, ReconciliationState.Failed, cancellationToken).ConfigureAwait(false);
        var check = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration(LedgerSyncHealthCheck.DefaultName, _health, HealthStatus.Unhealthy, null),
        };
        var health = await _health.CheckHealthAsync(check, cancellationToken).ConfigureAwait(false);
        return new OverviewModel(
            counts.Scheduled,
            counts.InProgress,
            _monitor.NumberOfIncomingReconciliationsInProgress,
            counts.Failed,
            counts.WithDifferences,
            counts.WithoutDifferences,
            _monitor.LedgerGraphIsInitialized,
            _monitor.LedgerGraphIsSelfConsistent,
            errors.Count,
            [.. errors.Take(MaxGraphErrorsShown).Select(e => e.Message)],
            health.Status.ToString(),
            health.Description,
            [.. failed.OrderBy(s => s.PartyName).Select(ToRow)],
            _time.GetUtcNow());
    }

    /// <summary>The status rows matching <paramref name="filter"/>, both roles unless it names one, sorted by party then role (requester first).</summary>
    public async Task<IReadOnlyList<PartyRow>> GetPartiesAsync(PartiesFilter filter, CancellationToken cancellationToken)
    {
        var rows = new List<ReconciliationStatus>();
        if (filter.IsRequester is null or true)
        {
            rows.AddRange(await _flows.GetReconciliationStatusesAsync(true, null, filter.Status, cancellationToken).ConfigureAwait(false));
        }

        if (filter.IsRequester is null or false)
        {
            rows.AddRange(await _flows.GetReconciliationStatusesAsync(false, null, filter.Status, cancellationToken).ConfigureAwait(false));
        }

        rows.Sort(static (x, y) =>
        {
            var byParty = x.PartyName.CompareTo(y.PartyName);
            return byParty != 0 ? byParty : y.IsRequester.CompareTo(x.IsRequester);
        });
        return [.. rows.Select(ToRow)];
    }

    /// <summary>
    /// One party's page: its two status rows, its in-flight runs, page <paramref name="historyPage"/> (from 1) of its
    /// past runs in both roles, and page <paramref name="page"/> (from 1) of the IDs its latest successful outgoing
    /// reconciliation found (what it has and this node lacks).
    /// </summary>
    public async Task<PartyDetail> GetPartyAsync(PartyName party, int page, int pageSize, int historyPage, int historyPageSize, CancellationToken cancellationToken)
    {
        historyPage = Math.Clamp(historyPage, 1, (int.MaxValue / 2 / historyPageSize) + 1);
        var history = await _history.ReadRunsAsync(
            new ReconciliationRunQuery { Party = party, Skip = (historyPage - 1) * historyPageSize, Take = historyPageSize + 1 },
            cancellationToken).ConfigureAwait(false);
        var requester = await _flows.GetReconciliationStatusForPartyAsync(party, true, cancellationToken).ConfigureAwait(false);
        var responder = await _flows.GetReconciliationStatusForPartyAsync(party, false, cancellationToken).ConfigureAwait(false);
        var recovery = await GetRecoveryAsync(party, cancellationToken).ConfigureAwait(false);
        var ids = requester?.LastSuccessfulReconciliationResult ?? [];
        var pageCount = Math.Max(1, (ids.Count + pageSize - 1) / pageSize);
        var current = Math.Clamp(page, 1, pageCount);
        var now = _time.GetUtcNow();
        return new PartyDetail(
            party.ToString(),
            requester is null ? null : ToRow(requester),
            responder is null ? null : ToRow(responder),
            [.. _monitor.GetInFlightReconciliations().Where(r => r.Party == party).Select(r => ToLive(r, now))],
            [.. ids.Skip((current - 1) * pageSize).Take(pageSize).Select(id => id.ToString())],
            ids.Count,
            current,
            pageCount,
            now)
        {
            History = [.. history.Take(historyPageSize).Select(r => new HistoryRun(r.RunId, r.IsRequester, r.Started, r.Finished, r.State.ToName(), r.Differences, r.Error))],
            HistoryPage = historyPage,
            HistoryHasMore = history.Count > historyPageSize,
            Recovery = recovery,
        };
    }

    /// <summary>The party's latest recovery (through <c>GetRecoveryStatusForPartyFlow</c>), or <see langword="null"/> when none was queued.</summary>
    public async Task<RecoveryView?> GetRecoveryAsync(PartyName party, CancellationToken cancellationToken)
    {
        var status = await _recovery.GetRecoveryStatusForPartyAsync(party, cancellationToken).ConfigureAwait(false);
        return status is null
            ? null
            : new RecoveryView(
                status.RecoveryId,
                status.State.ToName(),
                status.State is RecoveryState.Queued or RecoveryState.InProgress,
                status.RequestedCount,
                status.RecoveredCount,
                status.RejectedCount,
                status.RefusedCount,
                status.PendingCount,
                status.BytesRecovered,
                status.CreatedAt,
                status.StartedAt,
                status.FinishedAt,
                status.Error);
    }

    /// <summary>All the IDs the latest successful outgoing reconciliation with <paramref name="party"/> found, for the CSV download.</summary>
    public async Task<IReadOnlyList<string>> GetIdsFoundAsync(PartyName party, CancellationToken cancellationToken)
    {
        var requester = await _flows.GetReconciliationStatusForPartyAsync(party, true, cancellationToken).ConfigureAwait(false);
        return [.. (requester?.LastSuccessfulReconciliationResult ?? []).Select(id => id.ToString())];
    }

    /// <summary>The in-flight runs of both roles, oldest first, with the stuck ones (waiting on the peer past the stuck-session interval) marked.</summary>
    public IReadOnlyList<LiveRun> GetLiveRuns()
    {
        var now = _time.GetUtcNow();
        return [.. _monitor.GetInFlightReconciliations().Select(r => ToLive(r, now))];
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    private LiveRun ToLive(RunSnapshot run, DateTimeOffset now)
    {
        var waited = now - run.WaitingSince;
        var stuckAfter = _options.CurrentValue.StuckSessionWarningInterval;
        return new LiveRun(
            run.RunId,
            run.Party.ToString(),
            run.Role == ReconciliationRole.Requester,
            run.FlowName,
            run.Stages.Count > 0 ? run.Stages[^1].Stage : string.Empty,
            run.Exchanges,
            run.BytesSent,
            run.BytesReceived,
            Describe(run.WaitingOn),
            run.WaitingSince,
            run.Started,
            waited < TimeSpan.Zero ? TimeSpan.Zero : waited,
            run.WaitingOn == RunWaitReason.PeerMessage && stuckAfter > TimeSpan.Zero && waited >= stuckAfter,
            run.CodedSymbols,
            run.CodedSymbolsExpected);
    }

    private static string? Describe(RunWaitReason reason) => reason switch
    {
        RunWaitReason.None => null,
        RunWaitReason.PoolSlot => "a slot in the execution pool",
        RunWaitReason.PeerMessage => "a message from the counterparty",
        RunWaitReason.RetryBackoff => "the retry back-off (the counterparty was busy)",
        RunWaitReason.ScheduledTime => "its scheduled start time",
        _ => reason.ToString(),
    };

    private static PartyRow ToRow(ReconciliationStatus s) => new(
        s.PartyName.ToString(),
        s.IsRequester,
        s.StateMachineRunId,
        s.LastReconciliationStatus?.ToName(),
        s.LastReconciliationTimeStarted,
        s.LastReconciliationTimeFinished,
        s.LastSuccessfulReconciliationStatus?.ToName(),
        s.LastSuccessfulReconciliationTimeStarted,
        s.LastSuccessfulReconciliationTimeFinished,
        s.LastSuccessfulReconciliationResult.Count,
        s.LastReconciliationError);
}
