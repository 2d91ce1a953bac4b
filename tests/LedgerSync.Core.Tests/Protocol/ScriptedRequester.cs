using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Transport;

namespace LedgerSync.Tests.Protocol;

/// <summary>
/// A hostile or outdated requester (protocol version 5): opens a session to the real responder and drives it with raw
/// messages — a hello, symbols of its choosing (random, all zero, or the honest ones of a set), estimators, garbage —
/// and reads what comes back.
/// </summary>
internal sealed class ScriptedRequester : IAsyncDisposable
{
    /// <summary>The most symbols the scripted requester puts in one message.</summary>
    public const int SymbolsPerMessage = 512;

    private readonly CodedSymbol[] _buffer = new CodedSymbol[SymbolsPerMessage];

    private ScriptedRequester(IPeerSession session) => Session = session;

    public IPeerSession Session { get; }

    /// <summary>The set size the hello announced.</summary>
    public long SetSize { get; private set; }

    /// <summary>The responder's acceptance, once <see cref="HelloAsync"/> returned.</summary>
    public AcceptedMessage? Accepted { get; private set; }

    /// <summary>The symbol cap of the run (from the two set sizes).</summary>
    public long Cap => SymbolFlowPolicy.SymbolCap(SetSize, Accepted!.SetSize);

    /// <summary>The longest first round the responder takes when the sizes differ (the honest requester's choice).</summary>
    public long FirstBurst => SymbolFlowPolicy.FirstBurst(SetSize, Accepted!.SetSize);

    /// <summary>The index of the next symbol to send.</summary>
    public long Next { get; private set; }

    /// <summary>The credits the responder sent (the minimum end of each), in order.</summary>
    public List<long> Credits { get; } = [];

    public static async Task<ScriptedRequester> OpenAsync(InMemoryNetwork network, PartyName local, PartyName responder) =>
        new(await network.CreateTransport(local).OpenSessionAsync(responder));

    /// <summary>Says hello with <paramref name="setSize"/> and reads the acceptance (which it must be).</summary>
    public async Task<AcceptedMessage> HelloAsync(long setSize)
    {
        SetSize = setSize;
        await Session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, setSize)));
        var reply = await Session.ReceiveAsync() ?? throw new AssertionException("The responder ended the session instead of answering the hello.");
        Accepted = ProtocolCodec.DecodeAccepted(reply.Span, Session.Counterparty);
        return Accepted;
    }

    public ValueTask SendAsync(byte[] message) => Session.SendAsync(message);

    public ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync() => Session.ReceiveAsync();

    /// <summary>
    /// Sends the symbols from <see cref="Next"/> to <paramref name="to"/> (exclusive) of the round ending at
    /// <paramref name="roundEnd"/>, from <paramref name="symbolAt"/>, in messages of <see cref="SymbolsPerMessage"/>.
    /// Returns <see langword="false"/> if the responder closed the session first.
    /// </summary>
    public async Task<bool> SendSymbolsAsync(long roundEnd, long to, Func<long, CodedSymbol> symbolAt)
    {
        while (Next < to)
        {
            var count = (int)Math.Min(SymbolsPerMessage, to - Next);
            for (var i = 0; i < count; i++)
            {
                _buffer[i] = symbolAt(Next + i);
            }

            try
            {
                await Session.SendAsync(ProtocolCodec.EncodeSymbols(roundEnd, Next, _buffer.AsSpan(0, count)));
            }
            catch (LedgerSyncException)
            {
                return false; // the responder ended the session (its abort is still readable)
            }

            Next += count;
        }

        return true;
    }

    /// <summary>
    /// Streams rounds of <paramref name="symbolAt"/>: the first to <paramref name="firstRoundEnd"/>, each later one to
    /// the end the responder's credit asks for, until the responder answers with anything but credit (returned; the
    /// credits are in <see cref="Credits"/>) or ends the session (<see langword="null"/>).
    /// </summary>
    public async Task<ReadOnlyMemory<byte>?> StreamRoundsAsync(long firstRoundEnd, Func<long, CodedSymbol> symbolAt, Action<long>? onCredit = null)
    {
        var roundEnd = firstRoundEnd;
        while (true)
        {
            await SendSymbolsAsync(roundEnd, roundEnd, symbolAt);
            if (await Session.ReceiveAsync() is not { } answer)
            {
                return null;
            }

            if (ProtocolCodec.PeekType(answer.Span) != ProtocolMessageType.Credit)
            {
                return answer;
            }

            roundEnd = ProtocolCodec.DecodeCredit(answer.Span, out _);
            Credits.Add(roundEnd);
            onCredit?.Invoke(roundEnd);
        }
    }

    /// <summary>Reads until the responder's abort; fails if the session ends without one.</summary>
    public async Task<(AbortCode Code, string Reason)> ReadUntilAbortAsync()
    {
        while (await Session.ReceiveAsync() is { } message)
        {
            if (ProtocolCodec.PeekType(message.Span) == ProtocolMessageType.Abort)
            {
                return ProtocolCodec.DecodeAbort(message.Span);
            }
        }

        throw new AssertionException("The session ended without an abort.");
    }

    /// <summary>Reads the type of every message until the end of the session.</summary>
    public async Task<List<ProtocolMessageType>> ReadTypesUntilEndAsync()
    {
        var types = new List<ProtocolMessageType>();
        while (await Session.ReceiveAsync() is { } message)
        {
            types.Add(ProtocolCodec.PeekType(message.Span));
        }

        return types;
    }

    /// <summary>The honest symbols of <paramref name="ids"/> under the acceptance's key, computed as far as they are asked for.</summary>
    public Func<long, CodedSymbol> HonestSymbols(IEnumerable<TransactionId> ids)
    {
        var key = Accepted!.Key;
        var sketch = new LocalSketch(key, ShortIds.Of(key, [.. ids]), 1, (int)Cap);
        var one = new CodedSymbol[1];
        return index =>
        {
            sketch.CopySymbols(index, one);
            return one[0];
        };
    }

    /// <summary>A random, non-empty symbol over a short ID (it never peels to empty).</summary>
    public static CodedSymbol RandomSymbol(Random random) =>
        new(new TransactionId((ulong)random.NextInt64(1, long.MaxValue), 0, 0, 0), (uint)random.Next(1, 1 << 24), 0);

    /// <summary>The symbols of an empty set: every one is zero.</summary>
    public static Func<long, CodedSymbol> EmptySet { get; } = _ => default;

    public ValueTask DisposeAsync() => Session.DisposeAsync();
}
