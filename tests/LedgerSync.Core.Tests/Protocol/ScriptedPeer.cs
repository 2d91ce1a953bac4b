using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Protocol;

/// <summary>
/// A hostile or outdated responder (protocol version 5): answers inbound sessions with a script instead of the real
/// responder. The script reads the requester's hello and symbols with the helpers here (which record what arrived) and
/// answers whatever it likes: an acceptance or refusal, credit, a result, garbage.
/// </summary>
internal sealed class ScriptedPeer(Func<ScriptedPeer, IPeerSession, CancellationToken, Task> script) : IInboundSessionHandler
{
    private readonly Lock _gate = new();
    private readonly List<ProtocolMessageType> _received = [];
    private readonly List<long> _roundEnds = [];
    private long _symbolsReceived;
    private (AbortCode Code, string Reason)? _abort;

    /// <summary>The type of every message the requester sent, in order.</summary>
    public IReadOnlyList<ProtocolMessageType> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The end of every round the requester opened, in order.</summary>
    public IReadOnlyList<long> RoundEnds
    {
        get
        {
            lock (_gate)
            {
                return [.. _roundEnds];
            }
        }
    }

    /// <summary>How many coded symbols arrived (the index of the next one).</summary>
    public long SymbolsReceived => Interlocked.Read(ref _symbolsReceived);

    /// <summary>The end of the round the requester is streaming (0 before its first symbols).</summary>
    public long RoundEnd
    {
        get
        {
            lock (_gate)
            {
                return _roundEnds.Count == 0 ? 0 : _roundEnds[^1];
            }
        }
    }

    /// <summary>The abort the requester sent, if any.</summary>
    public (AbortCode Code, string Reason)? Abort
    {
        get
        {
            lock (_gate)
            {
                return _abort;
            }
        }
    }

    /// <summary>The requester's difference estimator, if it sent one.</summary>
    public byte[]? RequesterEstimator { get; private set; }

    public Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default) => script(this, session, cancellationToken);

    /// <summary>Reads the hello (which must come first).</summary>
    public async Task<HelloMessage> ReadHelloAsync(IPeerSession session, CancellationToken cancellationToken)
    {
        var message = await ReceiveAsync(session, cancellationToken) ?? throw new InvalidOperationException("The requester sent no hello.");
        return ProtocolCodec.DecodeHello(message.Span);
    }

    /// <summary>Reads the hello and accepts it with <paramref name="setSize"/> and no estimator; returns the hello.</summary>
    public Task<HelloMessage> AcceptAsync(IPeerSession session, long setSize, CancellationToken cancellationToken) =>
        AcceptAsync(session, setSize, null, cancellationToken);

    /// <summary>Reads the hello and accepts it with <paramref name="setSize"/> and <paramref name="estimator"/> (if any); returns the hello.</summary>
    public async Task<HelloMessage> AcceptAsync(IPeerSession session, long setSize, byte[]? estimator, CancellationToken cancellationToken)
    {
        var hello = await ReadHelloAsync(session, cancellationToken);
        await session.SendAsync(ProtocolCodec.EncodeAccepted(new AcceptedMessage(ProtocolCodec.CurrentVersion, Key, setSize, estimator)), cancellationToken);
        return hello;
    }

    /// <summary>The sketch key of every acceptance this peer sends.</summary>
    public SketchKey Key { get; init; } = SketchKey.FromRandom(new Random(1));

    /// <summary>
    /// Reads the requester's messages until the round it is streaming is complete (the first round, or the one after
    /// the last credit): <see langword="true"/>; <see langword="false"/> if the requester sent anything but symbols
    /// and its estimator first, or ended the session.
    /// </summary>
    public async Task<bool> ReadRoundAsync(IPeerSession session, CancellationToken cancellationToken)
    {
        var start = SymbolsReceived;
        while (true)
        {
            if (await ReceiveAsync(session, cancellationToken) is not { } message)
            {
                return false;
            }

            var type = ProtocolCodec.PeekType(message.Span);
            if (type is not (ProtocolMessageType.Symbols or ProtocolMessageType.DifferenceEstimate))
            {
                return false;
            }

            if (SymbolsReceived > start && SymbolsReceived == RoundEnd)
            {
                return true;
            }
        }
    }

    /// <summary>Reads everything the requester still sends until it ends the session.</summary>
    public async Task DrainAsync(IPeerSession session, CancellationToken cancellationToken)
    {
        while (await ReceiveAsync(session, cancellationToken) is not null)
        {
        }
    }

    /// <summary>Sends <paramref name="message"/>, ignoring a session the requester already closed (it then aborted: read that).</summary>
    public async Task SendOrDrainAsync(IPeerSession session, byte[] message, CancellationToken cancellationToken)
    {
        try
        {
            await session.SendAsync(message, cancellationToken);
        }
        catch (LedgerSyncException)
        {
            // The requester closed the session: what it said last is still readable.
        }

        await DrainAsync(session, cancellationToken);
    }

    /// <summary>Receives one message and records it (type, symbols, estimator, abort); <see langword="null"/> at the end of the session.</summary>
    public async Task<ReadOnlyMemory<byte>?> ReceiveAsync(IPeerSession session, CancellationToken cancellationToken)
    {
        if (await session.ReceiveAsync(cancellationToken) is not { } message)
        {
            return null;
        }

        var type = ProtocolCodec.PeekType(message.Span);
        lock (_gate)
        {
            _received.Add(type);
            switch (type)
            {
                case ProtocolMessageType.Symbols:
                    var count = ReadSymbolsHeader(message.Span, out var roundEnd, out var firstIndex);
                    if (firstIndex != _symbolsReceived)
                    {
                        throw new InvalidOperationException($"The requester sent symbols from {firstIndex}; {_symbolsReceived} were received.");
                    }

                    if (_roundEnds.Count == 0 || _roundEnds[^1] != roundEnd)
                    {
                        _roundEnds.Add(roundEnd);
                    }

                    Interlocked.Add(ref _symbolsReceived, count);
                    break;
                case ProtocolMessageType.DifferenceEstimate:
                    RequesterEstimator = ProtocolCodec.DecodeDifferenceEstimate(message.Span).ToArray();
                    break;
                case ProtocolMessageType.Abort:
                    _abort = ProtocolCodec.DecodeAbort(message.Span);
                    break;
                default:
                    break;
            }
        }

        return message;
    }

    /// <summary>
    /// Reads a symbols message's round end, first index and symbol count without reading the symbols themselves (so a
    /// test that counts millions of symbols allocates nothing per symbol).
    /// </summary>
    public static int ReadSymbolsHeader(ReadOnlySpan<byte> message, out long roundEnd, out long firstIndex)
    {
        var reader = new WireReader(message);
        _ = reader.ReadByte("type");
        roundEnd = reader.ReadVarUInt("round end", long.MaxValue);
        firstIndex = reader.ReadVarUInt("first index", long.MaxValue);
        return (int)reader.ReadVarUInt("count", int.MaxValue);
    }

    /// <summary>A non-empty difference estimator's wire bytes in its compact form (any 80 bytes are one).</summary>
    public static byte[] SomeEstimator(int seed) => SomeBytes(seed, DifferenceEstimator.EncodedSize);

    /// <summary>A non-empty difference estimator's wire bytes in its fine form, the one a credit carries (any 640 bytes are one).</summary>
    public static byte[] SomeFineEstimator(int seed) => SomeBytes(seed, DifferenceEstimator.FineEncodedSize);

    private static byte[] SomeBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
