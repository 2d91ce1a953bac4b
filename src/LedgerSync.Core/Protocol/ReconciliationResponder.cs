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
/// The responder side of the protocol, registered as the <see cref="IInboundSessionHandler"/>. It reads the hello,
/// authenticates the requester from the transport (never from the payload), refuses with a typed reason (version,
/// identity, ledger not ready, rate limit, busy) or admits, then streams the coded symbols of the relevant set for
/// that authenticated party under the credit the requester grants, until the requester says it has decoded.
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
            LogServed(_log, party, run.SymbolsSent, run.Exchanges, tracked.BytesSent + plain.BytesSent, run.BusyTime.TotalMilliseconds);
            RunServed?.Invoke(new ResponderRunStats(party, run.SymbolsSent, run.Exchanges, tracked.BytesSent + plain.BytesSent, tracked.BytesReceived + plain.BytesReceived, run.BusyTime));
            return ResponderOutcome.Served;
        }
    }

    private async Task ServeAsync(ServedRun run, HelloMessage hello, LedgerSyncOptions current, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var warm = encoders.Get(run.Session.Counterparty);
        try
        {
            await StreamAsync(run, warm, hello, current, started, cancellationToken).ConfigureAwait(false);
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
        var granted = SymbolFlowPolicy.FirstBurst(requesterSize, responderSize);
        var estimated = false;
        var perMessage = SymbolFlowPolicy.MaxSymbolsPerChunk;
        if (ProtocolCodec.MaxSymbolsPerMessage(0, current.MaxMessageSize) < 1)
        {
            throw new MaxMessageSizeExceededException(
                ProtocolCodec.SymbolsMessageOverhead + SymbolCodec.EncodedSymbolSize, current.MaxMessageSize, "A message of one coded symbol");
        }

        LogAnswering(_log, party, requesterSize, responderSize);
        tracker.Stage($"hello: {requesterSize} relevant transactions there, {responderSize} here; streaming {granted} symbols");
        run.AddBusy(started);
        await session.SendAsync(
            ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, pin.Key, responderSize)),
            cancellationToken).ConfigureAwait(false);

        var buffer = new CodedSymbol[perMessage];
        var exchange = 1;
        long next = 0;
        var receive = session.StartReceive(cancellationToken);
        while (true)
        {
            while (receive.IsCompleted || next >= granted)
            {
                var waitingFor = next >= granted ? $"credit for symbols past {next} (exchange {exchange})" : "the requester's next message";
                var message = await session.AwaitAsync(receive, waitingFor, cancellationToken).ConfigureAwait(false)
                    ?? throw new LedgerSyncProtocolException($"{party} ended the session while this node was waiting for {waitingFor}.");
                started = Stopwatch.GetTimestamp();
                switch (ProtocolCodec.PeekType(message.Span))
                {
                    case ProtocolMessageType.Credit or ProtocolMessageType.NextExchange:
                        var (nextExchange, more) = ProtocolCodec.DecodeCredit(message.Span);
                        if (nextExchange)
                        {
                            if (next < granted)
                            {
                                throw new LedgerSyncProtocolException($"{party} opened exchange {exchange + 1} before receiving all of exchange {exchange}.");
                            }

                            tracker.ExchangeCompleted();
                            run.Exchanges++;
                            exchange++;
                            tracker.Stage($"exchange {exchange}: {more} more symbols");
                            if (exchange > current.MaxNumberOfIbfFilterFlows)
                            {
                                throw LimitExceeded(run, $"{party} asked for exchange {exchange}; at most {current.MaxNumberOfIbfFilterFlows} are allowed (maxNumberOfIbfFilterFlows).");
                            }
                        }

                        if (granted + more > cap)
                        {
                            throw LimitExceeded(run, $"{party} asked for symbols up to {granted + more}; this run sends at most {cap}.");
                        }

                        granted += more;
                        tracker.ReportProgress();
                        tracker.ReportSymbols(next, granted);
                        break;
                    case ProtocolMessageType.DifferenceEstimate:
                        if (estimated)
                        {
                            throw new LedgerSyncProtocolException($"{party} sent a second difference estimate.");
                        }

                        estimated = true;
                        var asked = ProtocolCodec.DecodeDifferenceEstimate(message.Span, out var remoteEstimator);
                        if (granted + asked > cap)
                        {
                            throw LimitExceeded(run, $"{party} asked for symbols up to {granted + asked}; this run sends at most {cap}.");
                        }

                        // Size the burst from the two estimators: what it asked for, or the estimate's lower end if more.
                        var differences = pin.EstimateDifferences(remoteEstimator, out var lowerEstimate);
                        granted = Math.Min(cap, Math.Max(granted + asked, SymbolFlowPolicy.EstimatedBurst(lowerEstimate, lowerBound)));
                        tracker.Stage($"difference estimate: about {differences:F0} ({lowerEstimate:F0} or more); streaming up to {granted} symbols");
                        await session.SendAsync(ProtocolCodec.EncodeGranted(granted, (long)Math.Min(ProtocolCodec.MaxCount, Math.Round(differences))), cancellationToken).ConfigureAwait(false);
                        tracker.ReportProgress();
                        break;
                    case ProtocolMessageType.Done:
                        ProtocolCodec.DecodeDone(message.Span);
                        tracker.ExchangeCompleted();
                        run.Exchanges++;
                        tracker.Stage($"requester decoded after {next} symbols");
                        run.AddBusy(started);
                        return;
                    case ProtocolMessageType.Abort:
                        var (_, reason) = ProtocolCodec.DecodeAbort(message.Span);
                        run.PeerAborted = true;
                        throw new LedgerSyncProtocolException($"{party} abandoned the run: {reason}");
                    case var other:
                        throw new LedgerSyncProtocolException($"{party} sent an unexpected {other} message during exchange {exchange}.");
                }

                run.AddBusy(started);
                receive = session.StartReceive(cancellationToken);
            }

            started = Stopwatch.GetTimestamp();
            var fits = ProtocolCodec.MaxSymbolsPerMessage(next, current.MaxMessageSize);
            var count = (int)Math.Min(Math.Min(perMessage, fits), granted - next);
            var chunk = buffer.AsSpan(0, count);
            pin.CopySymbols(next, chunk);
            var bytes = ProtocolCodec.EncodeSymbols(next, chunk);
            run.AddBusy(started);
            await session.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
            next += count;
            run.SymbolsSent = next;
            tracker.ReportProgress();
            tracker.ReportSymbols(next, granted);
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

        public long SymbolsSent { get; set; }

        public int Exchanges { get; set; }

        public TimeSpan BusyTime { get; private set; }

        public void AddBusy(long startedTimestamp) => BusyTime += Stopwatch.GetElapsedTime(startedTimestamp);
    }
}
