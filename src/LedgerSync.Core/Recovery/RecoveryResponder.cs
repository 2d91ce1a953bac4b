using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Recovery;

/// <summary>
/// The responder side of recovery. It admits a recovery session through the same gates as a reconciliation (protocol
/// version, a ready ledger graph, one session per party, the existing
/// per-party request rate limit), then answers each request: an ID in the requester's relevant set (computed for the
/// authenticated party) that the payload source holds is streamed in chunks within the maximum message size; any
/// other ID is refused one by one, logged, and nothing tells the requester whether it exists. The recovery limits
/// (<c>maxAllowedTransactions</c> per request, <c>maxAllowedRequests</c> and <c>maxAllowedSizeInBytes</c> per window)
/// cut an answer short with the time to ask again, so an honest requester paces itself instead of failing.
/// Misbehaviour ends the session with an abort and a logged error; nothing throws out of <see cref="RespondAsync"/>.
/// </summary>
internal sealed partial class RecoveryResponder(
    ILedgerGraph graph,
    RecoveryLimiter limiter,
    IncomingRequestRateLimiter rateLimiter,
    RecoveryMetrics metrics,
    IOptionsMonitor<LedgerSyncOptions> options,
    TimeProvider timeProvider,
    ITransactionPayloadSource? source,
    ILogger<RecoveryResponder>? logger = null)
{
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(5);

    private readonly ILogger _log = (ILogger?)logger ?? NullLogger.Instance;
    private readonly ConcurrentDictionary<PartyName, byte> _serving = new();

    /// <summary>Whether a recovery session from <paramref name="party"/> is being served.</summary>
    public bool IsServing(PartyName party) => _serving.ContainsKey(party);

    /// <summary>Serves the recovery session whose first message, <paramref name="hello"/>, has been read.</summary>
    public async Task RespondAsync(IPeerSession session, ReadOnlyMemory<byte> hello, CancellationToken cancellationToken)
    {
        var party = session.Counterparty;
        var current = options.CurrentValue;
        using var scope = _log.BeginFlowScope(RecoveryFlowNames.RecoverTransactions, party: party);
        using var deadline = new CancellationTokenSource(current.MaxReconciliationDuration, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var tracked = new TrackedSession(session, null, timeProvider, current.SessionTimeout);
        using var activity = StartSessionSpan(party, hello);
        try
        {
            await AdmitAndServeAsync(tracked, hello, current, linked.Token).ConfigureAwait(false);
            EndSessionSpan(activity, RecoveryState.Finished, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            EndSessionSpan(activity, RecoveryState.Stopped, null);
            await TryAbortAsync(tracked, "the responder is shutting down").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            LogSessionFailed(_log, party, $"the session lasted longer than maxReconciliationDuration ({current.MaxReconciliationDuration})");
            EndSessionSpan(activity, RecoveryState.Failed, "the session lasted longer than maxReconciliationDuration");
            await TryAbortAsync(tracked, $"the session lasted longer than the responder's maxReconciliationDuration ({LedgerSyncDuration.Format(current.MaxReconciliationDuration)})").ConfigureAwait(false);
        }
        catch (LedgerSyncException ex)
        {
            LogSessionFailed(_log, party, ex.Message);
            EndSessionSpan(activity, RecoveryState.Failed, ex.Message);
            if (ex is LedgerSyncProtocolException)
            {
                await TryAbortAsync(tracked, ex.Message).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException ex)
        {
            // The payload source's stream ended early: the session cannot continue (the requester already has a header).
            LogSessionFailed(_log, party, ex.Message);
            EndSessionSpan(activity, RecoveryState.Failed, "the responder could not read a payload");
            await TryAbortAsync(tracked, "the responder could not read a payload").ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await session.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LedgerSyncException or ObjectDisposedException or InvalidOperationException or IOException)
            {
                // The session is gone already.
            }
        }
    }

    /// <summary>
    /// Starts the session's server span, a child of the requester's recovery span when its hello carries a trace
    /// context (a hello that does not decode gets a span of its own; the session refuses it).
    /// </summary>
    private Activity? StartSessionSpan(PartyName party, ReadOnlyMemory<byte> hello)
    {
        var source = LedgerSyncActivitySource.Instance;
        if (!source.HasListeners())
        {
            return null;
        }

        var parent = default(ActivityContext);
        try
        {
            parent = RecoveryCodec.DecodeHello(hello.Span).TraceContext ?? default;
        }
        catch (LedgerSyncProtocolException)
        {
            // Refused in AdmitAndServeAsync; the span is not joined to anything.
        }

        var span = source.StartActivity(RecoveryFlowNames.RecoverTransactions, ActivityKind.Server, parent, startTime: timeProvider.GetUtcNow());
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(LedgerSyncTelemetry.PartyTag, party.ToString());
            span.SetTag(LedgerSyncTelemetry.RoleTag, LedgerSyncTelemetry.ResponderRole);
        }

        return span;
    }

    /// <summary>Records the session's outcome (the recovery's own state names) and ends its span at the clock's time.</summary>
    private void EndSessionSpan(Activity? span, RecoveryState state, string? error)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(LedgerSyncTelemetry.OutcomeTag, state.ToName());
        span.SetStatus(state == RecoveryState.Failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok, error);
        span.SetEndTime(timeProvider.GetUtcNow().UtcDateTime);
        span.Stop();
    }

    private async Task AdmitAndServeAsync(TrackedSession session, ReadOnlyMemory<byte> helloBytes, LedgerSyncOptions current, CancellationToken cancellationToken)
    {
        var party = session.Counterparty;
        var hello = RecoveryCodec.DecodeHello(helloBytes.Span);
        if (hello.Version != RecoveryCodec.CurrentVersion)
        {
            await RefuseAsync(session, RecoveryRefusalReason.UnsupportedVersion, TimeSpan.Zero, $"this node speaks recovery protocol version {RecoveryCodec.CurrentVersion}, not {hello.Version}", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!graph.IsInitialized || !graph.IsSelfConsistent)
        {
            var detail = !graph.IsInitialized ? "its ledger graph is still initializing" : "its ledger graph is not self-consistent";
            await RefuseAsync(session, RecoveryRefusalReason.NotReady, TimeSpan.FromSeconds(30), detail, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (source is null)
        {
            await RefuseAsync(session, RecoveryRefusalReason.NotServing, TimeSpan.Zero, "this node has no transaction payload source and serves no recoveries", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_serving.TryAdd(party, 0))
        {
            await RefuseAsync(session, RecoveryRefusalReason.AlreadyServing, BusyRetry, "this node is already serving a recovery to it", cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            if (!rateLimiter.TryAcquire(party, out var limit, out var window))
            {
                var retry = TimeSpan.FromTicks(Math.Max(window.Ticks / IncomingRequestRateLimiter.BucketCount, TimeSpan.TicksPerSecond));
                await RefuseAsync(session, RecoveryRefusalReason.RateLimited, retry, $"at most {limit} requests per {LedgerSyncDuration.Format(window)}", cancellationToken).ConfigureAwait(false);
                return;
            }

            var (requests, bytes) = limiter.Remaining(party);
            await session.SendAsync(
                RecoveryCodec.EncodeAccepted(new RecoveryAcceptedMessage(
                    current.MaxAllowedTransactions,
                    current.MaxAllowedSizeInBytes,
                    current.TimeWindowForMaxAllowedSize,
                    current.MaxAllowedRequests,
                    current.TimeWindowForMaxAllowedRequests,
                    bytes,
                    requests)),
                cancellationToken).ConfigureAwait(false);
            LogAdmitted(_log, party);
            await ServeAsync(session, source, Math.Min(current.MaxMessageSize, hello.MaxMessageSize), current, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _serving.TryRemove(party, out _);
        }
    }

    private async Task ServeAsync(TrackedSession session, ITransactionPayloadSource payloads, int maxMessageSize, LedgerSyncOptions current, CancellationToken cancellationToken)
    {
        var party = session.Counterparty;
        var relevant = graph.GetRelevantSet(party);
        var chunkSize = maxMessageSize - RecoveryCodec.PayloadOverhead;
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            while (true)
            {
                var message = await session.ReceiveAsync("the next recovery request", cancellationToken).ConfigureAwait(false);
                if (message is not { } bytes)
                {
                    return;
                }

                switch (RecoveryCodec.PeekType(bytes.Span))
                {
                    case ProtocolMessageType.RecoveryRequest:
                        var ids = RecoveryCodec.DecodeRequest(bytes.Span, current.MaxAllowedTransactions);
                        await AnswerAsync(session, payloads, relevant, ids, buffer.AsMemory(0, chunkSize), current, cancellationToken).ConfigureAwait(false);
                        break;
                    case ProtocolMessageType.RecoveryAbort:
                        var reason = RecoveryCodec.DecodeAbort(bytes.Span);
                        LogRequesterAborted(_log, party, reason);
                        return;
                    default:
                        throw new LedgerSyncProtocolException($"{party} sent {(ProtocolMessageType)bytes.Span[0]} where a recovery request was expected.");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task AnswerAsync(
        TrackedSession session,
        ITransactionPayloadSource payloads,
        IRelevantSet relevant,
        TransactionId[] ids,
        Memory<byte> chunk,
        LedgerSyncOptions current,
        CancellationToken cancellationToken)
    {
        var party = session.Counterparty;
        if (!limiter.TryTakeRequest(party, out var requestWait))
        {
            LogThrottled(_log, party, "maxAllowedRequests", requestWait);
            await session.SendAsync(RecoveryCodec.EncodeBatchEnd(new RecoveryBatchEndMessage(0, RecoveryLimitKind.Requests, requestWait)), cancellationToken).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            if (!relevant.Contains(id))
            {
                LogRefusedOutsideRelevantSet(_log, party, id);
                metrics.Refused(isRequester: false);
                await session.SendAsync(RecoveryCodec.EncodeItemRefused(id, RecoveryItemRefusal.NotServed), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var payload = await payloads.OpenAsync(id, cancellationToken).ConfigureAwait(false);
            if (payload is null)
            {
                LogRefusedNotHeld(_log, party, id);
                metrics.Refused(isRequester: false);
                await session.SendAsync(RecoveryCodec.EncodeItemRefused(id, RecoveryItemRefusal.NotServed), cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using (payload.ConfigureAwait(false))
            {
                if (payload.Length > current.MaxAllowedSizeInBytes)
                {
                    LogRefusedTooLarge(_log, party, id, payload.Length, current.MaxAllowedSizeInBytes);
                    metrics.Refused(isRequester: false);
                    await session.SendAsync(RecoveryCodec.EncodeItemRefused(id, RecoveryItemRefusal.TooLarge), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!limiter.TryTakeBytes(party, payload.Length, out var sizeWait))
                {
                    LogThrottled(_log, party, "maxAllowedSizeInBytes", sizeWait);
                    await session.SendAsync(RecoveryCodec.EncodeBatchEnd(new RecoveryBatchEndMessage(i, RecoveryLimitKind.Size, sizeWait)), cancellationToken).ConfigureAwait(false);
                    return;
                }

                await SendPayloadAsync(session, id, payload, chunk, cancellationToken).ConfigureAwait(false);
                metrics.Served(payload.Length);
            }
        }

        await session.SendAsync(RecoveryCodec.EncodeBatchEnd(new RecoveryBatchEndMessage(ids.Length, RecoveryLimitKind.None, TimeSpan.Zero)), cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendPayloadAsync(TrackedSession session, TransactionId id, TransactionPayload payload, Memory<byte> chunk, CancellationToken cancellationToken)
    {
        var first = await ReadChunkAsync(payload, chunk, cancellationToken).ConfigureAwait(false);
        await session.SendAsync(RecoveryCodec.EncodePayload(id, payload.Length, chunk.Span[..first]), cancellationToken).ConfigureAwait(false);
        var sent = (long)first;
        while (sent < payload.Length)
        {
            var read = await ReadChunkAsync(payload, chunk, cancellationToken).ConfigureAwait(false);
            await session.SendAsync(RecoveryCodec.EncodeChunk(chunk.Span[..read]), cancellationToken).ConfigureAwait(false);
            sent += read;
        }
    }

    private static async Task<int> ReadChunkAsync(TransactionPayload payload, Memory<byte> chunk, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < chunk.Length)
        {
            var read = await payload.ReadAsync(chunk[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private async Task RefuseAsync(TrackedSession session, RecoveryRefusalReason reason, TimeSpan retryAfter, string detail, CancellationToken cancellationToken)
    {
        LogRefused(_log, session.Counterparty, reason, detail);
        if (Activity.Current is { IsAllDataRequested: true } span && span.Source == LedgerSyncActivitySource.Instance)
        {
            span.SetTag("ledgersync.recovery.refusal", reason.ToString());
        }

        await session.SendAsync(RecoveryCodec.EncodeRefused(new RecoveryRefusedMessage(reason, retryAfter, detail)), cancellationToken).ConfigureAwait(false);
    }

    private async Task TryAbortAsync(TrackedSession session, string reason)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
            await session.SendAsync(RecoveryCodec.EncodeAbort(reason), cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LedgerSyncException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // Best effort: the requester sees the end of the session instead.
        }
    }

    [LoggerMessage(EventId = LedgerSyncEventId.RecoverySessionAdmitted, Level = LogLevel.Information, Message = "Serving a recovery session to {Party}")]
    private static partial void LogAdmitted(ILogger logger, PartyName party);

    [LoggerMessage(EventId = LedgerSyncEventId.RecoverySessionRefused, Level = LogLevel.Warning, Message = "Refused a recovery session from {Party} ({Reason}): {Detail}")]
    private static partial void LogRefused(ILogger logger, PartyName party, RecoveryRefusalReason reason, string detail);

    [LoggerMessage(EventId = LedgerSyncEventId.RecoveryRefusedOutsideRelevantSet, Level = LogLevel.Warning, Message = "Refused transaction {TransactionId} to {Party}: it is not in that party's relevant set")]
    private static partial void LogRefusedOutsideRelevantSet(ILogger logger, PartyName party, TransactionId transactionId);

    [LoggerMessage(EventId = LedgerSyncEventId.RecoveryRefusedNotHeld, Level = LogLevel.Warning, Message = "Refused transaction {TransactionId} to {Party}: the payload source does not hold it")]
    private static partial void LogRefusedNotHeld(ILogger logger, PartyName party, TransactionId transactionId);

    [LoggerMessage(EventId = LedgerSyncEventId.RecoveryRefusedTooLarge, Level = LogLevel.Warning, Message = "Refused transaction {TransactionId} to {Party}: its {Size} bytes exceed maxAllowedSizeInBytes ({Limit})")]
    private static partial void LogRefusedTooLarge(ILogger logger, PartyName party, TransactionId transactionId, long size, int limit);

    [LoggerMessage(EventId = LedgerSyncEventId.RecoveryAnswerThrottled, Level = LogLevel.Information, Message = "Cut a recovery answer to {Party} short at {Limit}; it may ask again in {RetryAfter}")]
    private static partial void LogThrottled(ILogger logger, PartyName party, string limit, TimeSpan retryAfter);

    [LoggerMessage(EventId = LedgerSyncEventId.RecoverySessionFailed, Level = LogLevel.Warning, Message = "A recovery session from {Party} failed: {Reason}")]
    private static partial void LogSessionFailed(ILogger logger, PartyName party, string reason);

    [LoggerMessage(EventId = LedgerSyncEventId.RecoverySessionAbandoned, Level = LogLevel.Information, Message = "{Party} abandoned its recovery session: {Reason}")]
    private static partial void LogRequesterAborted(ILogger logger, PartyName party, string reason);
}
