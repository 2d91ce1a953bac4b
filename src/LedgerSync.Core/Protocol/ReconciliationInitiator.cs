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
/// The requester side of the protocol (version 2). It opens a session, says hello (version, its identity, its
/// relevant-set size), and on acceptance encodes its relevant set with the responder's key and decodes the streamed
/// coded symbols incrementally: the first burst is sized from the two set sizes, further credit from an estimate of
/// the difference (<see cref="SymbolFlowPolicy"/>), and "done" goes out as soon as the difference is complete. Every
/// peer-supplied number is checked before anything is allocated, the run ends at
/// <see cref="LedgerSyncOptions.MaxReconciliationDuration"/>, and every reported ID is checked absent locally first.
/// </summary>
internal sealed partial class ReconciliationInitiator(
    ILedgerGraph graph,
    IOptionsMonitor<LedgerSyncOptions> options,
    TimeProvider timeProvider,
    ILogger<ReconciliationInitiator>? logger = null,
    IPeerTransport? transport = null) : IReconciliationInitiator
{
    private readonly ILogger _log = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>
    /// How far the requester's local sketch may run ahead of the symbols actually received, at least: it computes its
    /// symbols for the credit it grants, but never more than this (or 1/16 of its own set size, or as many again as
    /// were received, whichever is most) beyond the symbols that arrived, so a forged acceptance cannot make it
    /// allocate for symbols that never come.
    /// </summary>
    internal const int InitialPrefixLimit = 4096;

    /// <summary>The longest prefix the requester's sketch may hold after <paramref name="received"/> symbols, for a set of <paramref name="setSize"/> IDs (see <see cref="InitialPrefixLimit"/>).</summary>
    internal static long PrefixAllowance(long received, int setSize) =>
        received + Math.Max(Math.Max(InitialPrefixLimit, setSize / 16), received);

    public async Task<ReconciliationResult> ReconcileAsync(ReconciliationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var current = options.CurrentValue;
        var local = current.LocalParty ?? throw new LedgerSyncConfigurationException(
            "LedgerSync:LocalParty is not set: a node must know its own legal identity to reconcile.", "LocalParty");
        var party = request.Counterparty;
        if (party == local)
        {
            throw new ReconciliationWithSelfException(party);
        }

        if (transport is null)
        {
            throw new LedgerSyncConfigurationException(
                "No peer transport is registered: call .UsePeerTransport<T>() or .UseInMemoryTransport(network) on the LedgerSync builder.");
        }

        if (!graph.IsInitialized || !graph.IsSelfConsistent)
        {
            throw new LedgerGraphNotReadyException(graph.IsInitialized, graph.IsSelfConsistent, [.. graph.Errors.Take(5).Select(e => e.Message)]);
        }

        var tracker = request.Tracker;
        var relevant = graph.GetRelevantSet(party);
        var ids = relevant.Snapshot().ToArray();
        var limit = current.MaxReconciliationDuration;

        // The run's deadline: a peer that trickles (or a transport that never connects) cannot hold it open longer.
        using var deadline = new CancellationTokenSource(limit, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked.Token;
        IPeerSession session;
        tracker.Stage($"connecting to {party} ({ids.Length} relevant transactions here)");
        tracker.WaitingOn(RunWaitReason.Connecting);
        try
        {
            session = await transport.OpenSessionAsync(party, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(_log, request.RunId, party, "the deadline passed while connecting");
            throw new ReconciliationDeadlineExceededException(party, limit);
        }
        finally
        {
            tracker.WaitingOn(RunWaitReason.None);
        }

        await using (session.ConfigureAwait(false))
        {
            var tracked = new TrackedSession(session, tracker, timeProvider, current.SessionTimeout);
            var run = new RequesterRun();
            try
            {
                var result = await RunAsync(tracked, run, local, ids, relevant, current, token).ConfigureAwait(false);
                LogFinished(_log, request.RunId, party, result.Missing.Count, result.LocalOnlyCount, result.Exchanges, result.BytesSent, result.BytesReceived);
                return result;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var expired = new ReconciliationDeadlineExceededException(party, limit);
                LogFailed(_log, request.RunId, party, expired.Message);
                await tracked.TryAbortAsync(AbortCode.Failed, expired.Message).ConfigureAwait(false);
                throw expired;
            }
            catch (OperationCanceledException)
            {
                await tracked.TryAbortAsync(AbortCode.Failed, "the requester stopped the run").ConfigureAwait(false);
                throw;
            }
            catch (LedgerSyncException ex)
            {
                LogFailed(_log, request.RunId, party, ex.Message);
                if (!run.PeerAborted && run.Accepted)
                {
                    var code = run.LimitExceeded ? AbortCode.LimitExceeded
                        : ex is LedgerSyncProtocolException ? AbortCode.ProtocolViolation
                        : AbortCode.Failed;
                    await tracked.TryAbortAsync(code, ex.Message).ConfigureAwait(false);
                }

                throw;
            }
        }
    }

    private async Task<ReconciliationResult> RunAsync(
        TrackedSession session,
        RequesterRun run,
        PartyName local,
        TransactionId[] ids,
        IRelevantSet relevant,
        LedgerSyncOptions current,
        CancellationToken cancellationToken)
    {
        var party = session.Counterparty;
        var tracker = session.Tracker!;
        var trace = Activity.Current is { Recorded: true } activity ? activity.Context : (ActivityContext?)null;
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, ids.Length, trace)), cancellationToken)
            .ConfigureAwait(false);
        tracker.Stage("hello sent");
        var reply = await session.ReceiveAsync("the answer to the hello", cancellationToken).ConfigureAwait(false)
            ?? throw new LedgerSyncProtocolException($"{party} ended the session without answering the hello.");
        var accepted = ProtocolCodec.PeekType(reply.Span) switch
        {
            ProtocolMessageType.Accepted => ProtocolCodec.DecodeAccepted(reply.Span, party),
            ProtocolMessageType.Refused => throw Refusal(party, ProtocolCodec.DecodeRefused(reply.Span)),
            ProtocolMessageType.Abort => throw PeerAborted(run, party, reply.Span),
            var other => throw new LedgerSyncProtocolException($"{party} answered the hello with an unexpected {other} message."),
        };
        run.Accepted = true;
        tracker.ReportProgress();

        var requesterSize = (long)ids.Length;
        var responderSize = accepted.SetSize;
        var lowerBound = SymbolFlowPolicy.LowerBound(requesterSize, responderSize);

        // Every number below follows from the two sizes; the one the peer announced is checked before anything is
        // allocated, so a forged or corrupted acceptance costs no more than an honest run with those sizes.
        if (!SymbolFlowPolicy.IsDecodable(requesterSize, responderSize))
        {
            run.LimitExceeded = true;
            throw new LedgerSyncProtocolException(
                $"{party} announced {responderSize} relevant transactions against {requesterSize} here: a difference of at least {lowerBound} is more than one run can decode ({SymbolFlowPolicy.MaxDecodableDifferences}).");
        }

        var maxExchanges = current.MaxNumberOfIbfFilterFlows;
        var cap = SymbolFlowPolicy.SymbolCap(requesterSize, responderSize);
        var granted = SymbolFlowPolicy.FirstBurst(requesterSize, responderSize);
        var exchange = 1;
        var exchangeEnd = SymbolFlowPolicy.ExchangeEnd(exchange, maxExchanges, requesterSize, responderSize);
        var roundTrips = new RoundTripCounter(granted);
        tracker.Stage($"accepted: {responderSize} relevant transactions there; first burst of {granted} symbols");

        // The local sketch computes the symbols of the credit granted (the first burst at once, in its construction
        // pass), never past the cap, and never further ahead of the symbols received than PrefixAllowance. Its
        // difference estimator costs one mix of the hash per ID, in the same pass.
        var sketch = new LocalSketch(
            accepted.Key,
            ids,
            (int)Math.Clamp(Math.Min(granted, PrefixAllowance(0, ids.Length)), 1, cap),
            (int)cap,
            trackDifferences: true);
        var decoder = new RatelessDecoder(sketch, responderSize);

        // Computes the local symbols for the credit granted so far, as far as the allowance lets it (while symbols are on the way).
        void ComputeAhead() => sketch.ComputeAhead(granted, PrefixAllowance(decoder.NextExpectedIndex, ids.Length));
        var tailStalls = 0;
        var estimateSent = false;
        var awaitingGrant = false;
        double? fromEstimator = null;

        // The estimate of d that sizes credit: from the received symbols, combined with the estimators' comparison once the
        // responder sent it. A grant whose symbols arrive in the third (last budgeted) round trip is sized from the estimate
        // raised by its uncertainty and for the 99th percentile of the need; an earlier one from the central estimate for
        // about the 95th, leaving the rest to the third.
        bool LastRoundTrip() => roundTrips.NextLevel >= 3;
        double? Estimate() => SymbolFlowPolicy.CombineEstimates(
            decoder.EstimateDifferences(), decoder.RawEmptyCount, fromEstimator, LastRoundTrip() ? SymbolFlowPolicy.UncertaintyMargin : 0);

        // The first time more symbols are needed, the requester's difference estimator goes with the credit when the
        // received symbols cannot estimate the difference themselves (nearly equal set sizes, two-sided differences).
        async ValueTask GrantAsync(long extended, bool nextExchange)
        {
            extended = Math.Min(extended, cap);
            if (extended <= granted)
            {
                return;
            }

            if (!estimateSent && !nextExchange && SymbolFlowPolicy.ShouldSendEstimator(decoder.EstimateDifferences(), lowerBound))
            {
                estimateSent = true;
                awaitingGrant = true;
                await session.SendAsync(ProtocolCodec.EncodeDifferenceEstimate(extended - granted, sketch.Estimator!), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await session.SendAsync(ProtocolCodec.EncodeCredit(nextExchange, extended - granted), cancellationToken).ConfigureAwait(false);
            }

            granted = extended;
            roundTrips.Granted(granted);
            ComputeAhead();
        }

        while (!decoder.IsDecoded)
        {
            if (decoder.IsAllPeeled)
            {
                // Every symbol peeled to empty, yet the counts disagree with the announced size: the size is false.
                throw new LedgerSyncProtocolException(
                    $"{party} announced {responderSize} relevant transactions, but its coded symbols decode to {requesterSize + decoder.RemoteOnlyCount - decoder.LocalOnlyCount}.");
            }

            var received = decoder.NextExpectedIndex;
            if (received == granted && !awaitingGrant)
            {
                var nextExchange = granted >= exchangeEnd || granted >= cap;
                if (nextExchange)
                {
                    if (exchange >= maxExchanges || granted >= cap)
                    {
                        throw new LedgerSyncProtocolException(
                            $"The difference with {party} could not be decoded from {granted} coded symbols in {exchange} exchange(s) (maxNumberOfIbfFilterFlows = {maxExchanges}).");
                    }

                    tracker.ExchangeCompleted();
                    exchange++;
                    exchangeEnd = Math.Max(
                        SymbolFlowPolicy.ExchangeEnd(exchange, maxExchanges, requesterSize, responderSize),
                        Math.Min(cap, granted * SymbolFlowPolicy.ExchangeGrowth));
                    tracker.Stage($"exchange {exchange}: up to {exchangeEnd} symbols");
                }

                var estimate = Estimate();
                var extended = SymbolFlowPolicy.NextCredit(received, exchangeEnd, estimate, lowerBound, tailStalls, LastRoundTrip());
                if (SymbolFlowPolicy.IsPastEstimate(received, estimate, lowerBound))
                {
                    tailStalls++; // past the estimate: the next step doubles
                }

                await GrantAsync(extended, nextExchange).ConfigureAwait(false);
            }

            tracker.ReportSymbols(received, granted);
            var message = await session.ReceiveAsync($"coded symbols from index {received}", cancellationToken).ConfigureAwait(false)
                ?? throw new LedgerSyncProtocolException($"{party} ended the session while this node was waiting for coded symbols from index {received}.");
            switch (ProtocolCodec.PeekType(message.Span))
            {
                case ProtocolMessageType.Symbols:
                    // At most the credit granted: a responder that floods past it is rejected before anything is allocated.
                    var symbols = ProtocolCodec.DecodeSymbols(message.Span, (int)Math.Min(int.MaxValue, granted - received), out var firstIndex);
                    if (firstIndex != received)
                    {
                        throw new LedgerSyncProtocolException(
                            $"{party} sent coded symbols from index {firstIndex}; the next expected index is {received} (duplicated or out of order).");
                    }

                    if (symbols.Length == 0)
                    {
                        throw new LedgerSyncProtocolException($"{party} sent an empty run of coded symbols.");
                    }

                    roundTrips.Processing(firstIndex + symbols.Length - 1);
                    decoder.AddRemoteSymbols(firstIndex, symbols);
                    tracker.ReportProgress();
                    if (!decoder.IsDecoded)
                    {
                        ComputeAhead();
                    }
                    var next = decoder.NextExpectedIndex;
                    if (!decoder.IsDecoded && !decoder.IsAllPeeled && !awaitingGrant && next < granted
                        && granted - next <= Math.Max(SymbolFlowPolicy.MinWindow, next / SymbolFlowPolicy.WindowDivisor) && Estimate() is { } estimate)
                    {
                        // Keep the stream going near the end of the grant, once the estimate says how far to go (not
                        // earlier: symbols already on the way make the estimate better, and a grant cannot be taken back).
                        var want = SymbolFlowPolicy.NextCredit(next, exchangeEnd, estimate, lowerBound, tailStalls, LastRoundTrip());
                        if (want > granted)
                        {
                            await GrantAsync(want, false).ConfigureAwait(false);
                        }
                    }

                    break;
                case ProtocolMessageType.Granted when awaitingGrant:
                    // The responder sized the burst from the two estimators: at least what was asked, at most the cap.
                    var (total, estimated) = ProtocolCodec.DecodeGranted(message.Span);
                    if (total < granted || total > cap)
                    {
                        throw new LedgerSyncProtocolException($"{party} granted symbols up to {total}; this node asked for {granted} and a run sends at most {cap}.");
                    }

                    awaitingGrant = false;
                    fromEstimator = estimated;
                    granted = total;
                    exchangeEnd = Math.Max(exchangeEnd, granted);
                    roundTrips.Granted(granted);
                    ComputeAhead();
                    tracker.Stage($"{party} sized the burst from the difference estimate: {granted} symbols");
                    break;
                case ProtocolMessageType.Abort:
                    throw PeerAborted(run, party, message.Span);
                case var other:
                    throw new LedgerSyncProtocolException($"{party} sent an unexpected {other} message while streaming coded symbols.");
            }
        }

        tracker.ExchangeCompleted();
        await session.SendAsync(ProtocolCodec.EncodeDone(), cancellationToken).ConfigureAwait(false);
        var bytesAtDecoded = session.BytesReceived;
        tracker.Stage($"decoded after {decoder.SymbolsReceived} symbols; done sent");
        await session.Session.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(session, granted - decoder.NextExpectedIndex, cancellationToken).ConfigureAwait(false);

        if (!decoder.TryDecode(out var difference))
        {
            throw new LedgerSyncProtocolException($"The difference with {party} was reported complete but could not be read.");
        }

        var unusedInLastBatch = decoder.NextExpectedIndex - difference.SymbolsUsed;
        var afterDecoded = session.BytesReceived - bytesAtDecoded + SymbolCodec.GetSymbolsSize(difference.SymbolsUsed, (int)unusedInLastBatch);

        // Report only what is truly absent here (a transaction may have been recorded meanwhile).
        var missing = difference.RemoteOnly.Where(id => !relevant.Contains(id) && !graph.Contains(id)).ToArray();
        return new ReconciliationResult(missing, difference.LocalOnly.Count, exchange, session.BytesSent, session.BytesReceived)
        {
            RoundTrips = roundTrips.LevelOf(Math.Max(0, difference.SymbolsUsed - 1)),
            BytesAfterDecoded = afterDecoded,
        };
    }

    /// <summary>Reads what the responder sent before it saw "done", until it ends the session (bounded by the credit).</summary>
    private static async Task DrainAsync(TrackedSession session, long symbolsInFlight, CancellationToken cancellationToken)
    {
        var budget = 4 + symbolsInFlight;
        try
        {
            while (budget-- > 0)
            {
                if (await session.ReceiveAsync("the end of the session", cancellationToken).ConfigureAwait(false) is null)
                {
                    return;
                }
            }
        }
        catch (LedgerSyncException)
        {
            // The result is complete; a peer that misbehaves after "done" changes nothing.
        }
    }

    private static LedgerSyncException Refusal(PartyName party, RefusedMessage refused) => refused.Reason switch
    {
        RefusalReason.Busy => new MaxIncomingSessionsExceededException(party),
        RefusalReason.AlreadyResponding => new IncomingReconciliationInProgressException(party),
        RefusalReason.RateLimited => new ReconciliationRequestLimitExceededException(party, (int)refused.Limit, refused.Window),
        RefusalReason.NotReady => new ReconciliationRefusedException(party, refused.Detail),
        RefusalReason.IdentityMismatch => new ReconciliationRefusedException(party, "the identity in this node's hello does not match the identity the transport authenticated"),
        RefusalReason.UnsupportedVersion => new UnsupportedProtocolVersionException(party, (int)refused.Limit, ProtocolCodec.CurrentVersion),
        _ => new LedgerSyncProtocolException($"{party} refused for an unknown reason."),
    };

    private static LedgerSyncException PeerAborted(RequesterRun run, PartyName party, ReadOnlySpan<byte> message)
    {
        var (code, reason) = ProtocolCodec.DecodeAbort(message, out var size, out var limit);
        run.PeerAborted = true;
        return code == AbortCode.MessageTooLarge
            ? new MaxMessageSizeExceededException(size, limit, $"A message from {party}")
            : new LedgerSyncProtocolException($"{party} abandoned the run: {reason}");
    }

    /// <summary>
    /// Counts round trips as the length of the longest chain of waits: the first burst answers the hello (round trip
    /// 1), and symbols granted while processing symbols of round trip k belong to round trip k + 1. A run's count is
    /// the round trip of the last symbol it needed, so credit sent ahead (while symbols are still on the way) counts as
    /// the wait it is whenever it is needed, and never twice.
    /// </summary>
    private sealed class RoundTripCounter
    {
        private readonly List<(long End, int Level)> _grants = [];
        private int _processing = 1;

        public RoundTripCounter(long firstBurst) => _grants.Add((firstBurst, 1));

        /// <summary>Symbols up to <paramref name="end"/> were granted by a message sent while processing the current round trip's symbols.</summary>
        public void Granted(long end)
        {
            if (end > _grants[^1].End)
            {
                _grants.Add((end, _processing + 1));
            }
        }

        /// <summary>The round trip in which symbols granted now arrive.</summary>
        public int NextLevel => _processing + 1;

        /// <summary>The requester is processing symbols up to <paramref name="lastIndex"/>.</summary>
        public void Processing(long lastIndex) => _processing = LevelOf(lastIndex);

        public int LevelOf(long index)
        {
            int lo = 0, hi = _grants.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (_grants[mid].End > index)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return _grants[lo].Level;
        }
    }

    private sealed class RequesterRun
    {
        public bool Accepted { get; set; }

        public bool LimitExceeded { get; set; }

        public bool PeerAborted { get; set; }
    }
}
