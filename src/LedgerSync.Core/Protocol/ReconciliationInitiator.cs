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
/// The requester side of the protocol (version 5). It opens a session, says hello (version, its relevant-set size),
/// and on acceptance encodes the short IDs of its relevant set with the responder's key and streams their coded
/// symbols in rounds (<see cref="SymbolFlowPolicy"/>): the first sized from the two set sizes or the two difference
/// estimators, later ones as the responder's credit asks. The responder decodes and answers with the full IDs this
/// node lacks. Every peer-supplied number is checked before anything is allocated, the requester holds only the window
/// of symbols it is sending, the run ends at <see cref="LedgerSyncOptions.MaxReconciliationDuration"/>, and every
/// reported ID is checked absent locally first.
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
    /// The most symbols the requester computes in one pass over its set, at least: it streams its symbols and keeps
    /// only the window it is sending (never the prefix), so a forged acceptance or credit costs it time on the wire
    /// (within the run's deadline), not memory.
    /// </summary>
    internal const int MinSymbolWindow = 4096;

    /// <summary>The largest window of symbols computed in one pass, for a set of <paramref name="setSize"/> IDs: 1/16 of it, at least <see cref="MinSymbolWindow"/>.</summary>
    internal static int SymbolWindowLimit(int setSize) => Math.Max(MinSymbolWindow, setSize / 16);

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
                    var code = run.KeyRejected ? AbortCode.KeyRejected
                        : run.LimitExceeded ? AbortCode.LimitExceeded
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

        if ((accepted.Estimator is not null) != (requesterSize == responderSize))
        {
            throw new LedgerSyncProtocolException(accepted.Estimator is null
                ? $"{party} accepted with the same set size as this node's ({responderSize}) but without its difference estimator."
                : $"{party} sent its difference estimator, though its set size ({responderSize}) differs from this node's ({requesterSize}).");
        }

        var maxRounds = current.MaxNumberOfIbfFilterFlows;
        var cap = SymbolFlowPolicy.SymbolCap(requesterSize, responderSize);

        // The sketch is built over the 8-byte short IDs under the responder's key, with the difference estimator in the
        // same pass; it keeps symbol 0 and streams the rest in windows.
        var key = accepted.Key;
        LocalSketch sketch;
        try
        {
            sketch = new LocalSketch(key, ShortIds.Of(key, ids), 1, (int)cap, trackDifferences: true);
        }
        catch (ArgumentException)
        {
            run.KeyRejected = true;
            throw new LedgerSyncProtocolException(
                $"Two of this node's relevant transactions for {party} share a short ID under the key of this run (about one run in 10^7 for a million transactions); {party} gives the next run a new key.");
        }

        var estimatorExchanged = accepted.Estimator is not null;
        long roundEnd;
        if (accepted.Estimator is { } remoteEstimator)
        {
            var estimate = sketch.Estimator!.Estimate(remoteEstimator, out _);
            roundEnd = SymbolFlowPolicy.EstimatedRound(estimate, lowerBound, 1, cap);
            tracker.Stage($"accepted: {responderSize} relevant transactions there, about {estimate:F0} differences; first round of {roundEnd} symbols");
        }
        else
        {
            roundEnd = SymbolFlowPolicy.FirstBurst(requesterSize, responderSize);
            tracker.Stage($"accepted: {responderSize} relevant transactions there; first round of {roundEnd} symbols");
            if (lowerBound >= SymbolFlowPolicy.RequesterEstimatorFrom)
            {
                // For the responder to size a second round, should this one not decode a two-sided difference.
                estimatorExchanged = true;
                await session.SendAsync(ProtocolCodec.EncodeDifferenceEstimate(sketch.Estimator!), cancellationToken).ConfigureAwait(false);
            }
        }

        var window = new RequesterSymbolStream(sketch, SymbolWindowLimit(ids.Length));
        var rounds = new List<long> { roundEnd };
        var sent = new List<(long FirstIndex, int Bytes)>();
        var buffer = new CodedSymbol[SymbolFlowPolicy.MaxSymbolsPerChunk];
        long next = 0;
        var receive = session.StartReceive(cancellationToken);
        ReadOnlyMemory<byte> answer;
        while (true)
        {
            // Stream the round, reading the responder's answer as soon as it comes (it may decode before the round's end).
            while (next < roundEnd && !receive.IsCompleted)
            {
                var count = (int)Math.Min(Math.Min(buffer.Length, roundEnd - next), ProtocolCodec.MaxSymbolsPerMessage(next, current.MaxMessageSize));
                var chunk = buffer.AsSpan(0, count);
                window.Copy(next, chunk, roundEnd);
                var bytes = ProtocolCodec.EncodeSymbols(roundEnd, next, chunk);
                try
                {
                    await session.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
                }
                catch (LedgerSyncException) when (receive.IsCompletedSuccessfully && receive.Result is { } last
                    && !last.IsEmpty && last.Span[0] == (byte)ProtocolMessageType.Abort)
                {
                    // The responder aborted and closed while this node was still sending: its reason, not the closed session.
                    throw PeerAborted(run, party, last.Span);
                }

                sent.Add((next, bytes.Length));
                next += count;
                tracker.ReportProgress();
                tracker.ReportSymbols(next, roundEnd);
            }

            var waitingFor = next < roundEnd ? "the responder's answer" : $"the responder's answer to round {rounds.Count} ({roundEnd} symbols)";
            var message = await session.AwaitAsync(receive, waitingFor, cancellationToken).ConfigureAwait(false)
                ?? throw new LedgerSyncProtocolException($"{party} ended the session while this node was waiting for {waitingFor}.");
            tracker.ReportProgress();
            var type = ProtocolCodec.PeekType(message.Span);
            if (type == ProtocolMessageType.Result)
            {
                answer = message;
                break;
            }

            switch (type)
            {
                case ProtocolMessageType.Credit:
                    var minimumEnd = ProtocolCodec.DecodeCredit(message.Span, out var creditEstimator);
                    if (next < roundEnd)
                    {
                        throw new LedgerSyncProtocolException($"{party} asked for more symbols before round {rounds.Count} was sent ({next} of {roundEnd}).");
                    }

                    if (minimumEnd <= roundEnd || minimumEnd > cap)
                    {
                        run.LimitExceeded = minimumEnd > cap;
                        throw new LedgerSyncProtocolException($"{party} asked for symbols to {minimumEnd}; this node sent {roundEnd} and a run sends at most {cap}.");
                    }

                    if (rounds.Count >= maxRounds)
                    {
                        run.LimitExceeded = true;
                        throw new LedgerSyncProtocolException($"{party} asked for round {rounds.Count + 1}; at most {maxRounds} are allowed (maxNumberOfIbfFilterFlows).");
                    }

                    tracker.ExchangeCompleted();
                    roundEnd = minimumEnd;
                    if (!creditEstimator.IsEmpty)
                    {
                        if (estimatorExchanged)
                        {
                            throw new LedgerSyncProtocolException($"{party} sent a second difference estimator.");
                        }

                        estimatorExchanged = true;
                        var estimate = sketch.Estimator!.Estimate(creditEstimator, out _);
                        roundEnd = SymbolFlowPolicy.RoundFromLateEstimate(estimate, lowerBound, minimumEnd, cap);
                    }

                    rounds.Add(roundEnd);
                    tracker.Stage($"round {rounds.Count}: {party} asked for symbols to {minimumEnd}; streaming to {roundEnd}");
                    break;
                case ProtocolMessageType.Abort:
                    throw PeerAborted(run, party, message.Span);
                default:
                    throw new LedgerSyncProtocolException($"{party} sent an unexpected {type} message while this node streamed its coded symbols.");
            }

            receive = session.StartReceive(cancellationToken);
        }

        var (missing, requesterOnly, symbolsUsed) = await ReadResultAsync(session, answer, sketch, requesterSize, responderSize, next, cancellationToken).ConfigureAwait(false);
        tracker.ExchangeCompleted();
        tracker.Stage($"{party} decoded after {symbolsUsed} symbols: {missing.Count} transaction(s) missing here");
        await session.Session.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(session, cancellationToken).ConfigureAwait(false);

        // The round of the last symbol used, and what was sent past it (the run's overshoot).
        var usedRound = 1;
        while (rounds[usedRound - 1] < symbolsUsed)
        {
            usedRound++;
        }

        long afterDecoded = 0;
        foreach (var (firstIndex, bytes) in sent)
        {
            afterDecoded += firstIndex >= symbolsUsed ? bytes : 0;
        }

        // Report only what is truly absent here (a transaction may have been recorded meanwhile).
        var absent = missing.Where(id => !relevant.Contains(id) && !graph.Contains(id)).ToArray();
        return new ReconciliationResult(absent, (int)requesterOnly, usedRound, session.BytesSent, session.BytesReceived)
        {
            RoundTrips = usedRound + 1,
            BytesAfterDecoded = afterDecoded,
        };
    }

    /// <summary>
    /// Reads the responder's result: its counts must agree with the two set sizes and with the symbols this node sent
    /// (every ID recovered takes a symbol), and every ID must be new here, once — so a peer can neither make this node
    /// report a transaction it holds nor hold more IDs than its own symbols could have decoded.
    /// </summary>
    private static async Task<(List<TransactionId> Missing, long RequesterOnly, long SymbolsUsed)> ReadResultAsync(
        TrackedSession session,
        ReadOnlyMemory<byte> first,
        LocalSketch sketch,
        long requesterSize,
        long responderSize,
        long symbolsSent,
        CancellationToken cancellationToken)
    {
        var party = session.Counterparty;
        var (total, requesterOnly, used) = ProtocolCodec.DecodeResult(first.Span, out _);
        if (used < 1 || used > symbolsSent)
        {
            throw new LedgerSyncProtocolException($"{party} reported decoding with {used} symbols; this node sent {symbolsSent}.");
        }

        if (total + requesterOnly > used)
        {
            throw new LedgerSyncProtocolException($"{party} reported {total} + {requesterOnly} differences from {used} symbols; each takes a symbol of its own.");
        }

        if (requesterSize + total - requesterOnly != responderSize)
        {
            throw new LedgerSyncProtocolException(
                $"{party} reported {total} transaction(s) missing here and {requesterOnly} only here, which does not match the set sizes ({requesterSize} here, {responderSize} there).");
        }

        var missing = new List<TransactionId>((int)Math.Min(total, 4096));
        var seen = new HashSet<TransactionId>();
        void Add(ReadOnlySpan<byte> bytes)
        {
            for (var at = 0; at < bytes.Length; at += TransactionId.Size)
            {
                var id = new TransactionId(bytes.Slice(at, TransactionId.Size));
                if (missing.Count == total)
                {
                    throw new LedgerSyncProtocolException($"{party} sent more than the {total} transaction ID(s) its result announced.");
                }

                if (!seen.Add(id))
                {
                    throw new LedgerSyncProtocolException($"{party} reported {id} twice.");
                }

                if (sketch.Contains(ShortIds.Of(sketch.Key, id)))
                {
                    throw new LedgerSyncProtocolException($"{party} reported {id} as missing here, but this node holds it (or a transaction of the same short ID).");
                }

                missing.Add(id);
            }
        }

        ProtocolCodec.DecodeResult(first.Span, out var ids);
        Add(ids);
        while (missing.Count < total)
        {
            var message = await session.ReceiveAsync($"the rest of the result ({missing.Count} of {total} IDs)", cancellationToken).ConfigureAwait(false)
                ?? throw new LedgerSyncProtocolException($"{party} ended the session after {missing.Count} of the {total} IDs its result announced.");
            switch (ProtocolCodec.PeekType(message.Span))
            {
                case ProtocolMessageType.ResultPart:
                    Add(ProtocolCodec.DecodeResultPart(message.Span));
                    break;
                case ProtocolMessageType.Abort:
                    var (_, reason) = ProtocolCodec.DecodeAbort(message.Span);
                    throw new LedgerSyncProtocolException($"{party} abandoned the run: {reason}");
                case var other:
                    throw new LedgerSyncProtocolException($"{party} sent an unexpected {other} message in its result.");
            }
        }

        return (missing, requesterOnly, used);
    }

    /// <summary>Reads what the responder sends after its result, until it ends the session (a few messages at most).</summary>
    private static async Task DrainAsync(TrackedSession session, CancellationToken cancellationToken)
    {
        var budget = 4;
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
            // The result is complete; a peer that misbehaves after it changes nothing.
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

    private sealed class RequesterRun
    {
        public bool Accepted { get; set; }

        public bool LimitExceeded { get; set; }

        public bool PeerAborted { get; set; }

        public bool KeyRejected { get; set; }
    }
}
