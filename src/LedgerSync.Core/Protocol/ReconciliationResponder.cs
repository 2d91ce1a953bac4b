using System.Collections.Concurrent;
using System.Diagnostics;
using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using LedgerSync.Sketches;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LedgerSync.Protocol;

/// <summary>
/// The responder side of the protocol (version 5), registered as the <see cref="IInboundSessionHandler"/>. It reads
/// the hello, authenticates the requester from the transport (never from the payload), refuses with a typed reason
/// (version, ledger not ready, already answering, rate limit, busy) or admits, then decodes the requester's coded
/// symbols against its warm sketch of the relevant set for that authenticated party, asking for more rounds as needed,
/// and answers with the full IDs of that set the requester lacks.
/// Peer misbehaviour ends the session with an abort message and a logged, recorded error; it never throws out of
/// <see cref="HandleAsync"/>.
/// </summary>
internal sealed partial class ReconciliationResponder(
    ILedgerGraph graph,
    IIncomingReconciliationAdmission admission,
    IncomingRequestRateLimiter rateLimiter,
    WarmEncoderCache encoders,
    IOptionsMonitor<LedgerSyncOptions> options,
    TimeProvider timeProvider,
    ILogger<ReconciliationResponder>? logger = null) : IInboundSessionHandler
{
    private readonly ILogger _log = (ILogger?)logger ?? NullLogger.Instance;
    private readonly ConcurrentDictionary<PartyName, byte> _answering = new();

    /// <summary>Called after each served request with what it cost (benchmarks and the wire report listen).</summary>
    internal Action<ResponderRunStats>? RunServed { get; set; }

    public async Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        _ = await RespondAsync(session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the responder side of <paramref name="session"/> and says how it ended.</summary>
    internal async Task<ResponderOutcome> RespondAsync(IPeerSession session, CancellationToken cancellationToken)
    {
        var party = session.Counterparty;
        var current = options.CurrentValue;
        var plain = new TrackedSession(session, null, timeProvider, current.SessionTimeout);
        try
        {
            return await AnswerHelloAsync(plain, current, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await plain.TryAbortAsync(AbortCode.Failed, "the responder is shutting down").ConfigureAwait(false);
            return new ResponderOutcome(false, null, null);
        }
        catch (LedgerSyncException ex)
        {
            LogRequestFailed(_log, ex, party, ex.Message);
            if (ex is LedgerSyncProtocolException)
            {
                await plain.TryAbortAsync(AbortCode.ProtocolViolation, ex.Message).ConfigureAwait(false);
            }

            return new ResponderOutcome(false, ex, null);
        }
        finally
        {
            await TryCompleteAsync(session).ConfigureAwait(false);
        }
    }

    private async Task<ResponderOutcome> AnswerHelloAsync(TrackedSession plain, LedgerSyncOptions current, CancellationToken cancellationToken)
    {
        var party = plain.Counterparty;
        var message = await plain.ReceiveAsync("the hello", cancellationToken).ConfigureAwait(false)
            ?? throw new LedgerSyncProtocolException($"{party} ended the session before sending its hello.");
        var type = ProtocolCodec.PeekType(message.Span);
        if (type != ProtocolMessageType.Hello)
        {
            throw new LedgerSyncProtocolException($"{party} sent {type} before its hello.");
        }

        var hello = ProtocolCodec.DecodeHello(message.Span);
        if (hello.Version != ProtocolCodec.CurrentVersion)
        {
            return await RefuseAsync(
                plain,
                new RefusedMessage(RefusalReason.UnsupportedVersion, ProtocolCodec.CurrentVersion),
                $"it speaks protocol version {hello.Version}; this node speaks version {ProtocolCodec.CurrentVersion}",
                new LedgerSyncProtocolException($"{party} asked for protocol version {hello.Version}; this node speaks version {ProtocolCodec.CurrentVersion}."))
                .ConfigureAwait(false);
        }

        if (!graph.IsInitialized || !graph.IsSelfConsistent)
        {
            var detail = !graph.IsInitialized
                ? "its ledger graph is still initializing"
                : $"its ledger graph is not self-consistent ({graph.Errors.Count} error(s))";
            return await RefuseAsync(plain, new RefusedMessage(RefusalReason.NotReady, Detail: detail), detail, null).ConfigureAwait(false);
        }

        // One incoming run per party: a party cannot take several pool slots by opening sessions in parallel.
        if (!_answering.TryAdd(party, 0))
        {
            return await RefuseAsync(plain, new RefusedMessage(RefusalReason.AlreadyResponding), "this node is already answering a run from it", null).ConfigureAwait(false);
        }

        try
        {
            return await AdmitAndServeAsync(plain, hello, current, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _answering.TryRemove(party, out _);
        }
    }

    private async Task<ResponderOutcome> AdmitAndServeAsync(TrackedSession plain, HelloMessage hello, LedgerSyncOptions current, CancellationToken cancellationToken)
    {
        var party = plain.Counterparty;
        if (!rateLimiter.TryAcquire(party, out var limit, out var window))
        {
            return await RefuseAsync(
                plain,
                new RefusedMessage(RefusalReason.RateLimited, limit, window),
                $"at most {limit} requests per {window}",
                null).ConfigureAwait(false);
        }

        var incoming = await admission.TryAdmitAsync(party, hello.TraceContext, cancellationToken).ConfigureAwait(false);
        if (incoming is null)
        {
            rateLimiter.Refund(party);
            return await RefuseAsync(plain, new RefusedMessage(RefusalReason.Busy), "the pool of parallel reconciliations is full", null).ConfigureAwait(false);
        }

        await using (incoming.ConfigureAwait(false))
        {
            // The served request's span is current while it runs. Its parent is the requester's run span when the hello
            // carried its trace context, so both nodes' work is one trace; else the span current here (on the HTTP
            // transport, the incoming request's).
            using var activity = incoming.Tracker.StartActivity(ActivityKind.Server, hello.TraceContext ?? default);
            using var scope = _log.BeginFlowScope(FlowNames.ReconcileWithParty, incoming.RunId, party);
            using var deadline = new CancellationTokenSource(current.MaxReconciliationDuration, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, incoming.Stopping, deadline.Token);
            var tracked = new TrackedSession(plain.Session, incoming.Tracker, timeProvider, current.SessionTimeout);
            tracked.Tracker!.AddBytesReceived(plain.BytesReceived);
            tracked.Tracker.ReportProgress();
            var run = new ServedRun(tracked);
            try
            {
                await ServeAsync(run, hello, current, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !incoming.Stopping.IsCancellationRequested)
            {
                var expired = new ReconciliationDeadlineExceededException(party, current.MaxReconciliationDuration);
                LogRequestFailed(_log, expired, party, expired.Message);
                await tracked.TryAbortAsync(AbortCode.Failed, expired.Message).ConfigureAwait(false);
                await incoming.CompleteAsync(ReconciliationState.Failed, expired.Message, CancellationToken.None).ConfigureAwait(false);
                return new ResponderOutcome(true, expired, null);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                var stopped = incoming.Stopping.IsCancellationRequested;
                var reason = stopped ? "an operator stopped the run" : "the node is shutting down";
                await tracked.TryAbortAsync(AbortCode.Failed, $"the responder stopped: {reason}").ConfigureAwait(false);
                await incoming.CompleteAsync(stopped ? ReconciliationState.Stopped : ReconciliationState.Failed, reason, CancellationToken.None).ConfigureAwait(false);
                LogRequestFailed(_log, null, party, reason);
                return new ResponderOutcome(true, null, null);
            }
            catch (LedgerSyncException ex)
            {
                LogRequestFailed(_log, ex, party, ex.Message);
                if (ex is MaxMessageSizeExceededException tooLarge)
                {
                    await tracked.TryAbortAsync(AbortCode.MessageTooLarge, ex.Message, tooLarge.Size, tooLarge.Limit).ConfigureAwait(false);
                }
                else if (!run.PeerAborted)
                {
                    var code = run.LimitExceeded ? AbortCode.LimitExceeded
                        : ex is LedgerSyncProtocolException ? AbortCode.ProtocolViolation
                        : AbortCode.Failed;
                    await tracked.TryAbortAsync(code, ex.Message).ConfigureAwait(false);
                }

                await incoming.CompleteAsync(ReconciliationState.Failed, ex.Message, CancellationToken.None).ConfigureAwait(false);
                return new ResponderOutcome(true, ex, null);
            }

            // The responder learns nothing about the result: a served request is recorded as DIFFERENCES_NOT_FOUND.
            await incoming.CompleteAsync(ReconciliationState.DifferencesNotFound, null, CancellationToken.None).ConfigureAwait(false);
            LogServed(_log, party, run.SymbolsReceived, run.Exchanges, tracked.BytesSent + plain.BytesSent, run.BusyTime.TotalMilliseconds);
            RunServed?.Invoke(new ResponderRunStats(party, run.SymbolsReceived, run.Exchanges, tracked.BytesSent + plain.BytesSent, tracked.BytesReceived + plain.BytesReceived, run.BusyTime));
            return ResponderOutcome.Served;
        }
    }

    private async Task ServeAsync(ServedRun run, HelloMessage hello, LedgerSyncOptions current, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var warm = encoders.Get(run.Session.Counterparty);
        for (var attempt = 0; warm.HasShortIdCollision && attempt < 3; attempt++)
        {
            // Two IDs share a short ID under this key: a new key (a new encoder) before anything is served.
            encoders.Invalidate(warm);
            warm = encoders.Get(run.Session.Counterparty);
        }

        try
        {
            await StreamAsync(run, warm, hello, current, started, cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerSyncProtocolException) when (run.KeyRejected || run.Undecodable)
        {
            // The requester cannot use this key, or the symbols did not decode within the limits: the next run of this
            // party gets a new key, so no failure repeats under the same one.
            encoders.Invalidate(warm);
            throw;
        }
        finally
        {
            // A long request grew the warm prefix: give the memory back once no run reads it.
            warm.TrimIfIdle();
        }
    }

    private async Task StreamAsync(ServedRun run, WarmEncoder warm, HelloMessage hello, LedgerSyncOptions current, long started, CancellationToken cancellationToken)
    {
        var session = run.Session;
        var party = session.Counterparty;
        var tracker = session.Tracker!;
        using var pin = warm.Acquire(out var responderSize);
        var requesterSize = hello.SetSize;
        if (!SymbolFlowPolicy.IsDecodable(requesterSize, responderSize))
        {
            throw LimitExceeded(
                run,
                $"{party} announced {requesterSize} relevant transactions against {responderSize} here: a difference of at least {SymbolFlowPolicy.LowerBound(requesterSize, responderSize)} is more than one run can decode ({SymbolFlowPolicy.MaxDecodableDifferences}).");
        }

        var cap = SymbolFlowPolicy.SymbolCap(requesterSize, responderSize);
        var lowerBound = SymbolFlowPolicy.LowerBound(requesterSize, responderSize);
        var maxRounds = current.MaxNumberOfIbfFilterFlows;
        if (ProtocolCodec.MaxIdsPerMessage(current.MaxMessageSize) < 1)
        {
            throw new MaxMessageSizeExceededException(
                ProtocolCodec.ResultHeaderSize + TransactionId.Size, current.MaxMessageSize, "A result of one transaction ID");
        }

        // Equal sizes say nothing about d: the responder's estimator goes with the acceptance, and the requester sizes its
        // first round from the two estimators.
        byte[]? estimator = null;
        if (requesterSize == responderSize)
        {
            estimator = new byte[DifferenceEstimator.EncodedSize];
            pin.WriteEstimator(estimator);
        }

        LogAnswering(_log, party, requesterSize, responderSize);
        tracker.Stage($"hello: {requesterSize} relevant transactions there, {responderSize} here; decoding its symbols");
        run.AddBusy(started);
        await session.SendAsync(
            ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, pin.Key, responderSize, estimator)),
            cancellationToken).ConfigureAwait(false);

        // The decoder's local side is this node's frozen set of short IDs: a pure symbol whose short ID is held here is
        // this node's (the requester lacks it), any other the requester's. The symbols carry 24 then 16 checksum bits.
        var decoder = new RatelessDecoder(pin, requesterSize, ShortSymbolCodec.EarlyChecksumMask, ShortSymbolCodec.LateChecksumMask);
        var estimatorExchanged = estimator is not null;
        double? fromEstimator = null;
        long next = 0;
        long roundEnd = 0;
        // The first round is the requester's to size: from the sizes (at most the first burst), or from the estimators
        // when the sizes are equal (then the cap follows from this node's own size). A later round goes to the credit's
        // end, or beyond it only when the credit carried this node's estimator for the requester to size it.
        long minimumEnd = 1;
        var maximumEnd = requesterSize == responderSize ? cap : SymbolFlowPolicy.FirstBurst(requesterSize, responderSize);
        var round = 0;
        var tailStalls = 0;
        while (true)
        {
            var waitingFor = next < roundEnd ? $"coded symbols from index {next} (round {round}, to {roundEnd})" : $"the requester's symbols from index {next}";
            var message = await session.ReceiveAsync(waitingFor, cancellationToken).ConfigureAwait(false)
                ?? throw new LedgerSyncProtocolException($"{party} ended the session while this node was waiting for {waitingFor}.");
            started = Stopwatch.GetTimestamp();
            switch (ProtocolCodec.PeekType(message.Span))
            {
                case ProtocolMessageType.DifferenceEstimate:
                    if (estimatorExchanged || next > 0)
                    {
                        throw new LedgerSyncProtocolException($"{party} sent a difference estimate {(next > 0 ? "after its first symbols" : "though the estimators were already exchanged")}.");
                    }

                    estimatorExchanged = true;
                    fromEstimator = pin.EstimateDifferences(ProtocolCodec.DecodeDifferenceEstimate(message.Span), out _);
                    tracker.Stage($"difference estimate: about {fromEstimator:F0}");
                    break;
                case ProtocolMessageType.Symbols:
                    // At most what is left before the cap: a flood past it is rejected before anything is allocated.
                    var symbols = ProtocolCodec.DecodeSymbols(message.Span, (int)Math.Min(int.MaxValue, cap - next), out var end, out var firstIndex);
                    if (firstIndex != next)
                    {
                        throw new LedgerSyncProtocolException(
                            $"{party} sent coded symbols from index {firstIndex}; the next expected index is {next} (duplicated or out of order).");
                    }

                    if (next == roundEnd)
                    {
                        // A new round: the first is the requester's to size; a later one goes to at least the credit's end
                        // (the credit went out the moment the round before ended undecoded).
                        if (end < minimumEnd || end > maximumEnd)
                        {
                            throw LimitExceeded(run, $"{party} opened round {round + 1} to symbol {end}; this run takes it to at least {minimumEnd} and at most {maximumEnd} symbols.");
                        }

                        round++;
                        roundEnd = end;
                        tracker.Stage($"round {round}: symbols {next} to {roundEnd}");
                    }
                    else if (end != roundEnd)
                    {
                        throw new LedgerSyncProtocolException($"{party} moved the end of round {round} from {roundEnd} to {end}.");
                    }

                    decoder.AddRemoteSymbols(firstIndex, symbols);
                    next += symbols.Length;
                    run.SymbolsReceived = next;
                    tracker.ReportProgress();
                    tracker.ReportSymbols(next, roundEnd);
                    if (decoder.IsDecoded)
                    {
                        run.Exchanges = round;
                        await AnswerAsync(run, pin, decoder, roundEnd - next, current, cancellationToken).ConfigureAwait(false);
                        run.AddBusy(started);
                        return;
                    }

                    if (next == roundEnd)
                    {
                        minimumEnd = NextRoundEnd();
                        byte[]? credited = null;
                        if (!estimatorExchanged && SymbolFlowPolicy.ShouldSendEstimator(decoder.EstimateDifferences(), lowerBound))
                        {
                            // The symbols cannot size the next round (none arrived empty, or far more than the sizes say):
                            // the requester sizes it from the two estimators.
                            estimatorExchanged = true;
                            credited = new byte[DifferenceEstimator.FineEncodedSize];
                            pin.WriteFineEstimator(credited);
                        }

                        maximumEnd = credited is null ? minimumEnd : cap;
                        tracker.ExchangeCompleted();
                        tracker.Stage($"round {round} did not decode after {next} symbols; asking for symbols to {minimumEnd}");
                        await session.SendAsync(ProtocolCodec.EncodeCredit(minimumEnd, credited), cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case ProtocolMessageType.Abort:
                    var (code, reason) = ProtocolCodec.DecodeAbort(message.Span);
                    run.PeerAborted = true;
                    run.KeyRejected = code == AbortCode.KeyRejected;
                    throw new LedgerSyncProtocolException($"{party} abandoned the run: {reason}");
                case var other:
                    throw new LedgerSyncProtocolException($"{party} sent an unexpected {other} message during round {round}.");
            }

            run.AddBusy(started);
        }

        // The end of the next round, once a round ended undecoded: the decoder's 99th percentile for the estimate from the
        // symbols (and the estimators), fourfold growth without one; the last round the limit allows goes to the cap.
        long NextRoundEnd()
        {
            if (decoder.IsAllPeeled)
            {
                // Every symbol peeled to empty, yet the counts disagree with the announced size: the size is false.
                throw new LedgerSyncProtocolException(
                    $"{party} announced {requesterSize} relevant transactions, but its coded symbols decode to {responderSize + decoder.RemoteOnlyCount - decoder.LocalOnlyCount}.");
            }

            if (next >= cap || round >= maxRounds)
            {
                run.Undecodable = true;
                throw LimitExceeded(
                    run,
                    $"The difference with {party} could not be decoded from {next} coded symbols in {round} round(s) (maxNumberOfIbfFilterFlows = {maxRounds}, at most {cap} symbols; {decoder.LocalOnlyCount} recovered here, {decoder.RemoteOnlyCount} there, {decoder.NonEmptyCount} symbols left, {decoder.ToggleCount} false peels undone).");
            }

            if (round + 1 == maxRounds)
            {
                return cap;
            }

            var estimate = SymbolFlowPolicy.CombineEstimates(decoder.EstimateDifferences(), decoder.RawEmptyCount, fromEstimator);
            var want = SymbolFlowPolicy.NextCredit(next, cap, estimate, lowerBound, tailStalls, stuckSymbols: decoder.NonEmptyCount);
            if (SymbolFlowPolicy.IsPastEstimate(next, estimate, lowerBound))
            {
                tailStalls++;
            }

            return Math.Min(cap, want);
        }
    }

    /// <summary>
    /// Sends the result: the counts, then the full IDs the requester lacks (only IDs of this party's relevant set: the
    /// decoder's local side is that set), in as many messages as the size limit needs, while reading what the requester
    /// still had on the way (at most <paramref name="symbolsInFlight"/> more symbols) until it ends the session.
    /// </summary>
    private static async Task AnswerAsync(ServedRun run, WarmEncoder.Pin pin, RatelessDecoder decoder, long symbolsInFlight, LedgerSyncOptions current, CancellationToken cancellationToken)
    {
        var session = run.Session;
        if (!decoder.TryDecode(out var difference))
        {
            throw new LedgerSyncProtocolException($"The difference with {session.Counterparty} was reported complete but could not be read.");
        }

        var missing = new TransactionId[difference.LocalOnly.Count];
        for (var i = 0; i < missing.Length; i++)
        {
            missing[i] = pin.FullIdOf(difference.LocalOnly[i]);
        }

        session.Tracker!.ExchangeCompleted();
        session.Tracker.Stage($"decoded after {difference.SymbolsUsed} symbols: {missing.Length} transaction(s) it lacks, {difference.RemoteOnly.Count} only it holds");
        var drain = DrainAsync(session, symbolsInFlight, cancellationToken);
        var perMessage = Math.Min(MaxIdsPerResultMessage, ProtocolCodec.MaxIdsPerMessage(current.MaxMessageSize));
        var first = Math.Min(perMessage, missing.Length);
        await session.SendAsync(ProtocolCodec.EncodeResult(missing.Length, difference.RemoteOnly.Count, difference.SymbolsUsed, missing.AsSpan(0, first)), cancellationToken)
            .ConfigureAwait(false);
        for (var sent = first; sent < missing.Length; sent += perMessage)
        {
            await session.SendAsync(ProtocolCodec.EncodeResultPart(missing.AsSpan(sent, Math.Min(perMessage, missing.Length - sent))), cancellationToken)
                .ConfigureAwait(false);
        }

        await drain.ConfigureAwait(false);
    }

    /// <summary>The most IDs the responder puts in one result message (besides the message-size limit).</summary>
    internal const int MaxIdsPerResultMessage = 4096;

    /// <summary>Reads what the requester sent before it saw the result, until it ends the session (bounded by the symbols still due in its round).</summary>
    private static async Task DrainAsync(TrackedSession session, long symbolsInFlight, CancellationToken cancellationToken)
    {
        var budget = 4 + symbolsInFlight;
        while (budget-- > 0)
        {
            if (await session.ReceiveAsync("the requester to end the session", cancellationToken).ConfigureAwait(false) is null)
            {
                return;
            }
        }
    }

    private async Task<ResponderOutcome> RefuseAsync(TrackedSession session, RefusedMessage refusal, string reason, LedgerSyncException? error)
    {
        LogRefused(_log, session.Counterparty, refusal.Reason, reason);
        try
        {
            await session.SendAsync(ProtocolCodec.EncodeRefused(refusal), CancellationToken.None).ConfigureAwait(false);
        }
        catch (LedgerSyncException)
        {
            // The requester is gone; nothing more to tell it.
        }

        return new ResponderOutcome(false, error, refusal.Reason);
    }

    private static LedgerSyncProtocolException LimitExceeded(ServedRun run, string message)
    {
        run.LimitExceeded = true;
        return new LedgerSyncProtocolException(message);
    }

    private static async ValueTask TryCompleteAsync(IPeerSession session)
    {
        try
        {
            await session.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LedgerSyncException or ObjectDisposedException or InvalidOperationException)
        {
            // Already closed.
        }
    }

    private sealed class ServedRun(TrackedSession session)
    {
        public TrackedSession Session { get; } = session;

        public bool PeerAborted { get; set; }

        public bool LimitExceeded { get; set; }

        public bool KeyRejected { get; set; }

        public bool Undecodable { get; set; }

        public long SymbolsReceived { get; set; }

        public int Exchanges { get; set; }

        public TimeSpan BusyTime { get; private set; }

        public void AddBusy(long startedTimestamp) => BusyTime += Stopwatch.GetElapsedTime(startedTimestamp);
    }
}
