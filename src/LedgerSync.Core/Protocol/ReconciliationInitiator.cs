using LedgerSync.Ledger;
using LedgerSync.Sketches;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Protocol;

/// <summary>
/// The requester side of the protocol. It opens a session, says hello (version, its identity, its relevant-set
/// size), and on acceptance encodes its relevant set with the responder's key and decodes the streamed coded
/// symbols incrementally, granting credit in a small window and sending "done" as soon as the difference is
/// complete. Every reported ID is checked absent locally first.
/// </summary>
internal sealed partial class ReconciliationInitiator(
    ILedgerGraph graph,
    IOptionsMonitor<LedgerSyncOptions> options,
    TimeProvider timeProvider,
    ILogger<ReconciliationInitiator> logger,
    IPeerTransport? transport = null) : IReconciliationInitiator
{
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
        tracker.Stage($"opening a session ({ids.Length} relevant transactions here)");
        var session = await transport.OpenSessionAsync(party, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var tracked = new TrackedSession(session, tracker, timeProvider, current.SessionTimeout);
            var run = new RequesterRun();
            try
            {
                var result = await RunAsync(tracked, run, local, ids, relevant, current, cancellationToken).ConfigureAwait(false);
                LogFinished(logger, request.RunId, party, result.Missing.Count, result.LocalOnlyCount, result.Exchanges, result.BytesSent, result.BytesReceived);
                return result;
            }
            catch (OperationCanceledException)
            {
                await tracked.TryAbortAsync(AbortCode.Failed, "the requester stopped the run").ConfigureAwait(false);
                throw;
            }
            catch (LedgerSyncException ex)
            {
                LogFailed(logger, request.RunId, party, ex.Message);
                if (!run.PeerAborted && run.Accepted)
                {
                    await tracked.TryAbortAsync(ex is LedgerSyncProtocolException ? AbortCode.ProtocolViolation : AbortCode.Failed, ex.Message).ConfigureAwait(false);
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
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, local.ToString(), ids.Length)), cancellationToken)
            .ConfigureAwait(false);
        tracker.Stage("hello sent");
        var reply = await session.ReceiveAsync("the answer to the hello", cancellationToken).ConfigureAwait(false)
            ?? throw new LedgerSyncProtocolException($"{party} ended the session without answering the hello.");
        var accepted = ProtocolCodec.PeekType(reply.Span) switch
        {
            ProtocolMessageType.Accepted => ProtocolCodec.DecodeAccepted(reply.Span),
            ProtocolMessageType.Refused => throw Refusal(party, ProtocolCodec.DecodeRefused(reply.Span)),
            ProtocolMessageType.Abort => throw PeerAborted(run, party, reply.Span),
            var other => throw new LedgerSyncProtocolException($"{party} answered the hello with an unexpected {other} message."),
        };
        run.Accepted = true;

        var requesterSize = (long)ids.Length;
        var responderSize = accepted.SetSize;
        var maxExchanges = current.MaxNumberOfIbfFilterFlows;
        var cap = Math.Min(accepted.SymbolCap, SymbolFlowPolicy.SymbolCap(requesterSize, responderSize));
        var granted = accepted.InitialCredit;
        if (granted > cap)
        {
            throw new LedgerSyncProtocolException($"{party} offered {granted} symbols, more than the {cap} its set size allows.");
        }

        var exchange = 1;
        var exchangeEnd = Math.Max(granted, SymbolFlowPolicy.ExchangeEnd(exchange, maxExchanges, requesterSize, responderSize));
        tracker.Stage($"accepted: {responderSize} relevant transactions there; at least {SymbolFlowPolicy.LowerBound(requesterSize, responderSize)} differences");

        var encoder = new RatelessEncoder(accepted.Key, (int)Math.Clamp(exchangeEnd, 1, 1 << 20), ids.Length);
        encoder.AddRange(ids);
        var decoder = new RatelessDecoder(encoder, responderSize);

        while (!decoder.IsDecoded)
        {
            var received = decoder.SymbolsReceived;
            if (received == granted)
            {
                var nextExchange = granted >= exchangeEnd;
                if (nextExchange)
                {
                    if (exchange >= maxExchanges || granted >= cap)
                    {
                        throw new LedgerSyncProtocolException(
                            $"The difference with {party} could not be decoded from {granted} coded symbols in {exchange} exchange(s) (maxNumberOfIbfFilterFlows = {maxExchanges}).");
                    }

                    tracker.ExchangeCompleted();
                    exchange++;
                    exchangeEnd = SymbolFlowPolicy.ExchangeEnd(exchange, maxExchanges, requesterSize, responderSize);
                    tracker.Stage($"exchange {exchange}: up to {exchangeEnd} symbols");
                }

                var extended = SymbolFlowPolicy.NextCredit(received, exchangeEnd);
                await session.SendAsync(ProtocolCodec.EncodeCredit(nextExchange, extended - granted), cancellationToken).ConfigureAwait(false);
                granted = extended;
            }

            var message = await session.ReceiveAsync($"coded symbols from index {received}", cancellationToken).ConfigureAwait(false)
                ?? throw new LedgerSyncProtocolException($"{party} ended the session while this node was waiting for coded symbols from index {received}.");
            switch (ProtocolCodec.PeekType(message.Span))
            {
                case ProtocolMessageType.Symbols:
                    // At most the credit granted: a responder that floods past it is rejected before anything is allocated.
                    var symbols = ProtocolCodec.DecodeSymbols(message.Span, (int)(granted - received), out var firstIndex);
                    if (firstIndex != received)
                    {
                        throw new LedgerSyncProtocolException(
                            $"{party} sent coded symbols from index {firstIndex}; the next expected index is {received} (duplicated or out of order).");
                    }

                    if (symbols.Length == 0)
                    {
                        throw new LedgerSyncProtocolException($"{party} sent an empty run of coded symbols.");
                    }

                    decoder.AddRemoteSymbols(firstIndex, symbols);
                    var want = SymbolFlowPolicy.NextCredit(decoder.SymbolsReceived, exchangeEnd);
                    if (!decoder.IsDecoded && want > granted && decoder.SymbolsReceived < granted)
                    {
                        await session.SendAsync(ProtocolCodec.EncodeCredit(false, want - granted), cancellationToken).ConfigureAwait(false);
                        granted = want;
                    }

                    break;
                case ProtocolMessageType.Abort:
                    throw PeerAborted(run, party, message.Span);
                case var other:
                    throw new LedgerSyncProtocolException($"{party} sent an unexpected {other} message while streaming coded symbols.");
            }
        }

        tracker.ExchangeCompleted();
        await session.SendAsync(ProtocolCodec.EncodeDone(), cancellationToken).ConfigureAwait(false);
        tracker.Stage($"decoded after {decoder.SymbolsReceived} symbols; done sent");
        await session.Session.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(session, granted - decoder.SymbolsReceived, cancellationToken).ConfigureAwait(false);

        if (!decoder.TryDecode(out var difference))
        {
            throw new LedgerSyncProtocolException($"The difference with {party} was reported complete but could not be read.");
        }

        // Report only what is truly absent here (a transaction may have been recorded meanwhile).
        var missing = difference.RemoteOnly.Where(id => !relevant.Contains(id) && !graph.Contains(id)).ToArray();
        return new ReconciliationResult(missing, difference.LocalOnly.Count, exchange, session.BytesSent, session.BytesReceived);
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
        RefusalReason.RateLimited => new ReconciliationRequestLimitExceededException(party, (int)refused.Limit, refused.Window),
        RefusalReason.NotReady => new ReconciliationRefusedException(party, refused.Detail),
        RefusalReason.IdentityMismatch => new ReconciliationRefusedException(party, "the identity in this node's hello does not match the identity the transport authenticated"),
        RefusalReason.UnsupportedVersion => new LedgerSyncProtocolException(
            $"{party} does not speak protocol version {ProtocolCodec.CurrentVersion}; it speaks version {refused.Limit}."),
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

        public bool PeerAborted { get; set; }
    }
}
