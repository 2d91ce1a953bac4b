using System.Diagnostics;
using System.Globalization;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Recovery;

/// <summary>
/// Runs one claimed recovery to its end: opens sessions to the counterparty, asks for the pending IDs in batches of
/// the responder's <c>maxAllowedTransactions</c>, verifies and stores every payload through the
/// <see cref="RecoveryVerifier"/>, and records each batch's outcomes in one step, so a restart resumes after the last
/// recorded batch. A limit the responder reports is waited out (with the <see cref="TimeProvider"/>); a transient
/// failure is retried with back-off until no progress was made for <c>maxReconciliationRetryAttemptTimeout</c>; the
/// whole recovery is bounded by <c>maxRecoveryDuration</c>.
/// </summary>
internal sealed partial class RecoveryRun
{
    private const long MaxHeldDeferredBytes = 64L * 1024 * 1024;

    private const int PageSize = 1000;

    /// <summary>Tags of a request span: IDs asked for, and the request's outcomes.</summary>
    private const string RequestedTag = "ledgersync.recovery.requested";
    private const string RecoveredTag = "ledgersync.recovery.recovered";
    private const string RejectedTag = "ledgersync.recovery.rejected";
    private const string RefusedTag = "ledgersync.recovery.refused";
    private const string LimitTag = "ledgersync.recovery.limit";

    private readonly IRecoveryClaim _claim;
    private readonly IRecoveryStore _store;
    private readonly RecoveryStatus _recovery;
    private readonly IPeerTransport _transport;
    private readonly RecoveryVerifier _verifier;
    private readonly ILedgerGraph _graph;
    private readonly RecoveryMetrics _metrics;
    private readonly LedgerSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly RunTracker? _tracker;
    private readonly ILogger _log;
    private readonly Dictionary<TransactionId, ReadOnlyMemory<byte>> _deferred = [];
    private readonly HashSet<TransactionId> _skipped = [];
    private long _deferredBytes;
    private bool _finalPass;
    private int _recoveredThisPass;
    private int? _cursor;
    private long _progress;

    public RecoveryRun(
        IRecoveryClaim claim,
        IRecoveryStore store,
        IPeerTransport transport,
        RecoveryVerifier verifier,
        ILedgerGraph graph,
        RecoveryMetrics metrics,
        LedgerSyncOptions options,
        TimeProvider time,
        RunTracker? tracker,
        ILogger log)
    {
        _claim = claim;
        _store = store;
        _recovery = claim.Recovery;
        _transport = transport;
        _verifier = verifier;
        _graph = graph;
        _metrics = metrics;
        _options = options;
        _time = time;
        _tracker = tracker;
        _log = log;
    }

    private PartyName Party => _recovery.PartyName;

    /// <summary>Runs until every ID has an outcome (returns <see cref="RecoveryState.Finished"/>) or a failure (returns <see cref="RecoveryState.Failed"/> with the error).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled (shutdown, stop or lost claim); nothing is written.</exception>
    /// <exception cref="RecoveryClaimLostException">The store no longer holds the claim.</exception>
    public async Task<(RecoveryState State, string? Error)> RunAsync(CancellationToken cancellationToken)
    {
        var started = _recovery.StartedAt ?? _time.GetUtcNow();
        var deadline = started + _options.MaxRecoveryDuration;
        var backoff = _options.RetryInitialDelay;
        var lastProgress = _time.GetUtcNow();
        var progressSeen = _progress;
        while (true)
        {
            if (_time.GetUtcNow() >= deadline)
            {
                var left = await _store.GetAsync(_recovery.RecoveryId, cancellationToken).ConfigureAwait(false);
                return (RecoveryState.Failed, $"the recovery did not finish within maxRecoveryDuration ({LedgerSyncDuration.Format(_options.MaxRecoveryDuration)}); {left?.PendingCount ?? 0} transaction(s) still pending");
            }

            TimeSpan wait;
            try
            {
                var next = await RunSessionAsync(deadline, cancellationToken).ConfigureAwait(false);
                if (next is not { } pause)
                {
                    return (RecoveryState.Finished, null);
                }

                wait = pause;
                backoff = _options.RetryInitialDelay;
                LogPaused(_log, _recovery.RecoveryId, Party, wait);
                _tracker?.Stage(string.Create(CultureInfo.InvariantCulture, $"paused by the counterparty's limits for {wait}"));
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                var message = ex is LedgerSyncException ? ex.Message : $"the session failed ({ex.GetType().Name})";
                if (_progress != progressSeen)
                {
                    progressSeen = _progress;
                    lastProgress = _time.GetUtcNow();
                    backoff = _options.RetryInitialDelay;
                }

                if (_time.GetUtcNow() - lastProgress >= _options.MaxReconciliationRetryAttemptTimeout)
                {
                    return (RecoveryState.Failed, $"{message} (no progress for maxReconciliationRetryAttemptTimeout, {LedgerSyncDuration.Format(_options.MaxReconciliationRetryAttemptTimeout)})");
                }

                wait = ex is RecoverySessionException { RetryAfter: { } retry } && retry > TimeSpan.Zero ? retry : backoff;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.RetryMaxDelay.Ticks));
                LogRetrying(_log, _recovery.RecoveryId, Party, message, wait);
                _tracker?.Stage(string.Create(CultureInfo.InvariantCulture, $"retrying in {wait}: {message}"));
            }
            catch (LedgerSyncProtocolException ex)
            {
                return (RecoveryState.Failed, $"{Party} broke the recovery protocol: {ex.Message}");
            }
            catch (RecoverySessionException ex)
            {
                return (RecoveryState.Failed, ex.Message);
            }

            var remaining = deadline - _time.GetUtcNow();
            var delay = wait < remaining ? wait : remaining;
            if (delay > TimeSpan.Zero)
            {
                _tracker?.WaitingOn(RunWaitReason.RetryBackoff);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _tracker?.WaitingOn(RunWaitReason.None);
                }
            }
        }
    }

    /// <summary>One session: returns <see langword="null"/> when nothing is pending any more, or how long to wait before the next session.</summary>
    private async Task<TimeSpan?> RunSessionAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        // Every session starts from the first pending ID: IDs a limit left unanswered are asked for again first.
        _cursor = null;
        if (!await AnythingToFetchAsync(cancellationToken).ConfigureAwait(false) && await EndPassAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        _tracker?.Stage("connecting");
        _tracker?.WaitingOn(RunWaitReason.Connecting);
        IPeerSession session;
        try
        {
            session = await _transport.OpenSessionAsync(Party, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _tracker?.WaitingOn(RunWaitReason.None);
        }

        await using (session.ConfigureAwait(false))
        {
            var tracked = new TrackedSession(session, _tracker, _time, _options.SessionTimeout);
            var client = await RecoverySessionClient.OpenAsync(tracked, _options, cancellationToken).ConfigureAwait(false);
            _tracker?.Stage("admitted by the counterparty");
            while (true)
            {
                var batch = await NextBatchAsync(client.Accepted.MaxTransactionsPerRequest, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    if (await EndPassAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await CloseAsync(tracked).ConfigureAwait(false);
                        return null;
                    }

                    continue;
                }

                if (_time.GetUtcNow() >= deadline)
                {
                    await CloseAsync(tracked).ConfigureAwait(false);
                    return TimeSpan.Zero;
                }

                _tracker?.Stage(string.Create(CultureInfo.InvariantCulture, $"requesting {batch.Count} transaction(s)"));
                var outcomes = new List<RecoveryItem>(batch.Count);
                using var request = StartRequestSpan(batch.Count);
                var answer = await client.RequestAsync(batch, (id, payload) => VerifyAsync(id, payload, outcomes, cancellationToken), cancellationToken).ConfigureAwait(false);
                foreach (var (id, refusal) in answer.Refused)
                {
                    var reason = refusal == RecoveryItemRefusal.TooLarge
                        ? "the counterparty did not serve it: it is larger than the counterparty's maxAllowedSizeInBytes"
                        : "the counterparty did not serve it (it is not in this node's relevant set there, or not held there)";
                    outcomes.Add(Outcome(id, RecoveryItemOutcome.Refused, 0, reason));
                    _metrics.Refused(isRequester: true);
                    LogRefused(_log, _recovery.RecoveryId, Party, id);
                }

                await RecordAsync(outcomes, cancellationToken).ConfigureAwait(false);
                EndRequestSpan(request, outcomes, answer);
                if (answer.Limit != RecoveryLimitKind.None)
                {
                    await CloseAsync(tracked).ConfigureAwait(false);
                    return answer.RetryAfter > TimeSpan.Zero ? answer.RetryAfter : TimeSpan.FromSeconds(1);
                }
            }
        }
    }

    /// <summary>Starts the span of one request, a child of the recovery's span (current while the run executes).</summary>
    private Activity? StartRequestSpan(int requested)
    {
        var span = LedgerSyncActivitySource.Instance.StartActivity($"{RecoveryFlowNames.RecoverTransactions} request", ActivityKind.Client, default(ActivityContext), startTime: _time.GetUtcNow());
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(LedgerSyncTelemetry.RunIdTag, _recovery.RecoveryId.ToString());
            span.SetTag(LedgerSyncTelemetry.PartyTag, Party.ToString());
            span.SetTag(RequestedTag, requested);
        }

        return span;
    }

    /// <summary>Records a request's outcome counts on its span and ends it at the clock's time (disposing it again is harmless).</summary>
    private void EndRequestSpan(Activity? span, List<RecoveryItem> outcomes, RecoveryBatchAnswer answer)
    {
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            span.SetTag(RecoveredTag, outcomes.Count(o => o.Outcome == RecoveryItemOutcome.Recovered));
            span.SetTag(RejectedTag, outcomes.Count(o => o.Outcome == RecoveryItemOutcome.Rejected));
            span.SetTag(RefusedTag, answer.Refused.Count);
            span.SetTag(LedgerSyncTelemetry.BytesReceivedTag, outcomes.Sum(o => o.Bytes));
            if (answer.Limit != RecoveryLimitKind.None)
            {
                span.SetTag(LimitTag, answer.Limit == RecoveryLimitKind.Size ? "maxAllowedSizeInBytes" : "maxAllowedRequests");
            }
        }

        span.SetEndTime(_time.GetUtcNow().UtcDateTime);
        span.Stop();
    }

    private async Task VerifyAsync(TransactionId id, ReadOnlyMemory<byte> payload, List<RecoveryItem> outcomes, CancellationToken cancellationToken)
    {
        var verification = await VerifyOneAsync(id, payload, cancellationToken).ConfigureAwait(false);
        if (verification is { } outcome)
        {
            outcomes.Add(outcome);
            if (outcome.Outcome == RecoveryItemOutcome.Recovered)
            {
                outcomes.AddRange(await RetryDeferredAsync(final: false, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    private async Task<RecoveryItem?> VerifyOneAsync(TransactionId id, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        RecoveryVerification verification;
        try
        {
            verification = await _verifier.VerifyAndStoreAsync(Party, id, payload, _finalPass, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSinkFailed(_log, ex, _recovery.RecoveryId, Party, id);
            throw new RecoverySessionException($"the recovered-transaction sink failed storing transaction {id} ({ex.GetType().Name}); the recovery stops so no outcome is guessed", isTransient: false, innerException: ex);
        }

        switch (verification.Kind)
        {
            case RecoveryVerificationKind.Recovered:
                _metrics.Recovered(payload.Length);
                _recoveredThisPass++;
                return Outcome(id, RecoveryItemOutcome.Recovered, payload.Length, null);
            case RecoveryVerificationKind.Rejected:
                _metrics.Rejected();
                LogRejected(_log, _recovery.RecoveryId, Party, id, verification.Reason!);
                return Outcome(id, RecoveryItemOutcome.Rejected, 0, verification.Reason);
            default:
                if (_deferredBytes + payload.Length <= MaxHeldDeferredBytes)
                {
                    _deferred[id] = payload;
                    _deferredBytes += payload.Length;
                }
                else
                {
                    _skipped.Add(id);
                }

                return null;
        }
    }

    /// <summary>Verifies the held back-chain payloads again (until no more are stored), or for the last time.</summary>
    private async Task<List<RecoveryItem>> RetryDeferredAsync(bool final, CancellationToken cancellationToken)
    {
        var outcomes = new List<RecoveryItem>();
        var progress = true;
        while (progress && _deferred.Count > 0)
        {
            progress = false;
            foreach (var (id, payload) in _deferred.ToList())
            {
                var verification = await _verifier.VerifyAndStoreAsync(Party, id, payload, final, cancellationToken).ConfigureAwait(false);
                if (verification.Kind == RecoveryVerificationKind.Deferred)
                {
                    continue;
                }

                _deferred.Remove(id);
                _deferredBytes -= payload.Length;
                if (verification.Kind == RecoveryVerificationKind.Recovered)
                {
                    _metrics.Recovered(payload.Length);
                    _recoveredThisPass++;
                    outcomes.Add(Outcome(id, RecoveryItemOutcome.Recovered, payload.Length, null));
                    progress = true;
                }
                else
                {
                    _metrics.Rejected();
                    LogRejected(_log, _recovery.RecoveryId, Party, id, verification.Reason!);
                    outcomes.Add(Outcome(id, RecoveryItemOutcome.Rejected, 0, verification.Reason));
                }
            }
        }

        return outcomes;
    }

    /// <summary>
    /// At the end of a pass over the pending IDs: settles the held back-chain payloads, then returns whether the
    /// recovery is done (nothing pending but what cannot be fetched again in this pass).
    /// </summary>
    private async Task<bool> EndPassAsync(CancellationToken cancellationToken)
    {
        var settled = await RetryDeferredAsync(final: true, cancellationToken).ConfigureAwait(false);
        await RecordAsync(settled, cancellationToken).ConfigureAwait(false);
        _cursor = null;
        if (_skipped.Count > 0)
        {
            // Back-chain payloads that did not fit in memory: another pass asks for them again; a pass that stored
            // nothing is the last, and rejects them.
            _finalPass = _recoveredThisPass == 0;
            _recoveredThisPass = 0;
            _skipped.Clear();
            return false;
        }

        return !await AnythingToFetchAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether any pending ID is left to ask for (recording on the way those this node already holds).</summary>
    private async Task<bool> AnythingToFetchAsync(CancellationToken cancellationToken)
    {
        var saved = _cursor;
        _cursor = null;
        var any = (await NextBatchAsync(1, cancellationToken).ConfigureAwait(false)).Count > 0;
        _cursor = saved;
        return any;
    }

    /// <summary>The next pending IDs after the cursor, at most <paramref name="limit"/>; those this node already holds are recorded as recovered on the way.</summary>
    private async Task<IReadOnlyList<TransactionId>> NextBatchAsync(int limit, CancellationToken cancellationToken)
    {
        var batch = new List<TransactionId>(limit);
        while (batch.Count < limit)
        {
            var items = await _store.GetItemsAsync(_recovery.RecoveryId, RecoveryItemOutcome.Pending, _cursor, PageSize, cancellationToken).ConfigureAwait(false);
            if (items.Count == 0)
            {
                break;
            }

            var held = new List<RecoveryItem>();
            foreach (var item in items)
            {
                if (batch.Count == limit)
                {
                    break;
                }

                _cursor = item.Position;
                if (_deferred.ContainsKey(item.TransactionId) || _skipped.Contains(item.TransactionId))
                {
                    continue;
                }

                if (_graph.Contains(item.TransactionId))
                {
                    held.Add(Outcome(item.TransactionId, RecoveryItemOutcome.Recovered, 0, "already held by this node"));
                    continue;
                }

                batch.Add(item.TransactionId);
            }

            await RecordAsync(held, cancellationToken).ConfigureAwait(false);
        }

        return batch;
    }

    private async Task RecordAsync(List<RecoveryItem> outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        if (!await _claim.RecordAsync(outcomes, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new RecoveryClaimLostException();
        }

        _progress += outcomes.Count;
        _tracker?.ReportProgress();
    }

    private static RecoveryItem Outcome(TransactionId id, RecoveryItemOutcome outcome, long bytes, string? reason) =>
        new() { Position = -1, TransactionId = id, Outcome = outcome, Bytes = bytes, Reason = reason };

    private static bool IsTransient(Exception ex) =>
        ex switch
        {
            RecoverySessionException session => session.IsTransient,
            LedgerSyncProtocolException => false,
            LedgerSyncException ledger => ledger.IsTransient || ledger is PeerSessionTimeoutException,
            IOException or ObjectDisposedException or InvalidOperationException => true,
            _ => false,
        };

    /// <summary>
    /// Ends the session cleanly: completes this side, then waits (within <c>sessionTimeout</c>) for the responder to
    /// end its side, so the session is never torn down under a responder still reading. Best effort: a session that
    /// is already gone, or a responder that sends anything else, ends it here.
    /// </summary>
    private static async Task CloseAsync(TrackedSession session)
    {
        try
        {
            await session.Session.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            _ = await session.ReceiveAsync("the end of the recovery session", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LedgerSyncException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // The session is gone already.
        }
    }
}
