using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Diagnostics;

/// <summary>
/// Warns about reconciliations stuck waiting for a peer: every <see cref="LedgerSyncOptions.StuckSessionWarningInterval"/>
/// it logs "Reconciliation &lt;runId&gt; has been waiting &lt;n&gt; seconds for messages from &lt;party&gt;" (event 6000,
/// inside the run's flow scope) for each run, of either role, that has waited on its peer for at least that interval.
/// The protocol's <see cref="LedgerSyncOptions.SessionTimeout"/> then fails a run whose peer stays silent, so no run
/// stays <c>IN_PROGRESS</c> forever. <c>AddLedgerSync()</c> registers it as a hosted service.
/// </summary>
public sealed partial class StuckSessionMonitor : BackgroundService
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    private readonly ReconciliationRunRegistry _registry;
    private readonly ILogger _logger;

    /// <summary>Creates the monitor of <paramref name="registry"/>'s runs.</summary>
    internal StuckSessionMonitor(ReconciliationRunRegistry registry, IOptions<LedgerSyncOptions> options, ILogger<StuckSessionMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var interval = options.Value.StuckSessionWarningInterval;
        Interval = interval > TimeSpan.Zero ? interval : DefaultInterval;
    }

    /// <summary>The check period, which is also the wait after which a run is reported.</summary>
    public TimeSpan Interval { get; }

    /// <summary>
    /// Checks now: logs a warning for every run that has waited on its peer (event 6000) or on the transport to connect
    /// (event 6001) for at least <see cref="Interval"/>, or that has made no progress for that long although messages
    /// still come (a peer that trickles, event 6002), and returns those runs, longest stuck first.
    /// </summary>
    public IReadOnlyList<RunSnapshot> CheckNow()
    {
        var now = _registry.TimeProvider.GetUtcNow();
        var stuck = new List<(RunSnapshot Run, DateTimeOffset Since, StuckKind Kind)>();
        foreach (var run in _registry.Snapshot())
        {
            if (run.WaitingOn == RunWaitReason.PeerMessage && now - run.WaitingSince >= Interval)
            {
                stuck.Add((run, run.WaitingSince, StuckKind.Peer));
            }
            else if (run.WaitingOn == RunWaitReason.Connecting && now - run.WaitingSince >= Interval)
            {
                stuck.Add((run, run.WaitingSince, StuckKind.Connecting));
            }
            else if (run.LastProgress is { } progress && !ReconciliationMonitor.IsQueued(run.WaitingOn) && now - progress >= Interval)
            {
                stuck.Add((run, progress, StuckKind.NoProgress));
            }
        }

        stuck.Sort(static (x, y) => x.Since.CompareTo(y.Since));
        foreach (var (run, since, kind) in stuck)
        {
            using (_logger.BeginFlowScope(run.FlowName, run.RunId, run.Party))
            {
                var seconds = (long)(now - since).TotalSeconds;
                switch (kind)
                {
                    case StuckKind.Peer:
                        Log.WaitingForPeer(_logger, run.RunId, seconds, run.Party.ToString(), run.Role.ToTagValue());
                        break;
                    case StuckKind.Connecting:
                        Log.Connecting(_logger, run.RunId, seconds, run.Party.ToString(), run.Role.ToTagValue());
                        break;
                    default:
                        Log.NoProgress(_logger, run.RunId, seconds, run.Party.ToString(), run.Role.ToTagValue());
                        break;
                }
            }
        }

        return [.. stuck.Select(s => s.Run)];
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _registry.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                CheckNow();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private enum StuckKind
    {
        Peer,
        Connecting,
        NoProgress,
    }
}
