using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Protocol;

/// <summary>A hostile or outdated peer: answers inbound sessions with a script instead of the real responder.</summary>
internal sealed class ScriptedPeer(Func<ScriptedPeer, IPeerSession, CancellationToken, Task> script) : IInboundSessionHandler
{
    /// <summary>The messages the requester sent, by type, in order (filled by <see cref="ServeCreditAsync"/>).</summary>
    public List<ProtocolMessageType> Received { get; } = [];

    /// <summary>The abort the requester sent, if any.</summary>
    public (AbortCode Code, string Reason)? Abort { get; private set; }

    public Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default) => script(this, session, cancellationToken);

    /// <summary>
    /// Honours the requester's credit (first burst, then every credit message) with symbols from
    /// <paramref name="symbolAt"/>, waiting <paramref name="pause"/> before each message, until the requester says done,
    /// aborts or ends the session.
    /// </summary>
    public async Task ServeCreditAsync(IPeerSession session, long firstBurst, Func<long, CodedSymbol> symbolAt, TimeSpan pause, int perMessage, CancellationToken cancellationToken)
    {
        long granted = firstBurst;
        long next = 0;
        var receive = session.ReceiveAsync(cancellationToken).AsTask();
        while (true)
        {
            while (receive.IsCompleted || next >= granted)
            {
                if (await receive is not { } message)
                {
                    return;
                }

                var type = ProtocolCodec.PeekType(message.Span);
                Received.Add(type);
                switch (type)
                {
                    case ProtocolMessageType.Credit or ProtocolMessageType.NextExchange:
                        granted += ProtocolCodec.DecodeCredit(message.Span).More;
                        break;
                    case ProtocolMessageType.DifferenceEstimate:
                        // Grants exactly what was asked (no sizing from the estimator).
                        granted += ProtocolCodec.DecodeDifferenceEstimate(message.Span, out _);
                        await session.SendAsync(ProtocolCodec.EncodeGranted(granted, 0), cancellationToken);
                        break;
                    case ProtocolMessageType.Abort:
                        Abort = ProtocolCodec.DecodeAbort(message.Span);
                        return;
                    default:
                        return;
                }

                receive = session.ReceiveAsync(cancellationToken).AsTask();
            }

            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken);
            }

            var count = (int)Math.Min(perMessage, granted - next);
            var symbols = new CodedSymbol[count];
            for (var i = 0; i < count; i++)
            {
                symbols[i] = symbolAt(next + i);
            }

            try
            {
                await session.SendAsync(ProtocolCodec.EncodeSymbols(next, symbols), cancellationToken);
            }
            catch (LedgerSyncException)
            {
                // The requester closed the session: read what it said last (its abort), then stop.
                while (await receive is { } last)
                {
                    if (ProtocolCodec.PeekType(last.Span) == ProtocolMessageType.Abort)
                    {
                        Abort = ProtocolCodec.DecodeAbort(last.Span);
                    }

                    receive = session.ReceiveAsync(cancellationToken).AsTask();
                }

                return;
            }

            next += count;
        }
    }

    /// <summary>A random, non-empty coded symbol (it never peels).</summary>
    public static CodedSymbol RandomSymbol(Random random) => new(TransactionId.Random(random), (uint)random.Next(1, int.MaxValue), 0);
}
