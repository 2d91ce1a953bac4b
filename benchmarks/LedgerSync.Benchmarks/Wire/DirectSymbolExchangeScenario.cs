using System.Diagnostics;
using LedgerSync.Sketches;

namespace LedgerSync.Benchmarks.Wire;

/// <summary>
/// The sketch core on its own, before the protocol: the requester says hello with its set size, the responder
/// answers with its key and set size and then streams coded-symbol batches (growing ones, starting from the
/// set-size difference) until the requester, decoding each batch as it arrives, says stop. Every message is
/// really encoded and decoded, and its bytes counted; there is no transport framing. Zero latency: the stop
/// arrives before the next batch is sent.
/// </summary>
internal sealed class DirectSymbolExchangeScenario : IWireScenario
{
    private const byte HelloTag = 0x21;
    private const byte HelloReplyTag = 0x22;
    private const byte StopTag = 0x23;
    private const int MaxMessageSize = 1 << 20;

    public string Name => "direct symbol exchange (sketch core only, no protocol framing)";

    public WireRunResult Run(WireRunInput input)
    {
        var random = new Random(input.Seed);
        var requesterSw = new Stopwatch();
        var responderSw = new Stopwatch();
        long requesterBytes = 0;
        long responderBytes = 0;

        // The responder's encoder for this counterparty is warm: the relevant-set observer keeps it current.
        var responder = new RatelessEncoder(SketchKey.FromRandom(random), capacity: input.ResponderIds.Length);
        responder.AddRange(input.ResponderIds);

        // Requester: hello with its set size.
        requesterSw.Start();
        var hello = new byte[16];
        var helloWriter = new WireWriter(hello);
        helloWriter.WriteByte(HelloTag);
        helloWriter.WriteVarUInt64((ulong)input.RequesterIds.Length);
        hello = hello[..(int)helloWriter.BytesWritten];
        requesterSw.Stop();
        requesterBytes += hello.Length;

        // Responder: key and set size; size the prefix from the set-size difference.
        responderSw.Start();
        var helloReader = new WireReader(hello);
        Expect(helloReader.ReadByte("tag"), HelloTag);
        var requesterSize = helloReader.ReadVarUInt("requester set size", int.MaxValue);
        helloReader.EnsureEnd("hello");
        var sizeDifference = Math.Abs(responder.Count - requesterSize);
        responder.EnsurePrefixLength(PrefixFor(sizeDifference));
        var reply = new byte[1 + SketchKey.Size + 10];
        var replyWriter = new WireWriter(reply);
        replyWriter.WriteByte(HelloReplyTag);
        responder.Key.WriteTo(replyWriter.Reserve(SketchKey.Size));
        replyWriter.WriteVarUInt64((ulong)responder.Count);
        reply = reply[..(int)replyWriter.BytesWritten];
        responderSw.Stop();
        responderBytes += reply.Length;

        // Requester: encode its own set under the responder's key.
        requesterSw.Start();
        var replyReader = new WireReader(reply);
        Expect(replyReader.ReadByte("tag"), HelloReplyTag);
        var key = new SketchKey(replyReader.ReadRaw(SketchKey.Size, "key"));
        var responderSize = replyReader.ReadVarUInt("responder set size", int.MaxValue);
        replyReader.EnsureEnd("hello reply");
        var local = new RatelessEncoder(key, PrefixFor(Math.Abs(responderSize - input.RequesterIds.Length)), input.RequesterIds.Length);
        local.AddRange(input.RequesterIds);
        var decoder = new RatelessDecoder(local, responderSize);
        requesterSw.Stop();

        // Stream batches until the requester says stop.
        var limit = 4L * (input.RequesterIds.Length + input.ResponderIds.Length) + 1000;
        var buffer = new CodedSymbol[SymbolCodec.GetMaxSymbolsThatFit(0, MaxMessageSize)];
        long sent = 0;
        SetDifference? difference = null;
        while (sent < limit)
        {
            responderSw.Start();
            var count = (int)Math.Min(NextBatchSize(sent, sizeDifference), SymbolCodec.GetMaxSymbolsThatFit(sent, MaxMessageSize));
            var batch = buffer.AsSpan(0, count);
            responder.CopySymbols(sent, batch);
            var message = SymbolCodec.Encode(sent, batch);
            sent += count;
            responderSw.Stop();
            responderBytes += message.Length;

            requesterSw.Start();
            var symbols = SymbolCodec.Decode(message, buffer.Length, out var first);
            decoder.AddRemoteSymbols(first, symbols);
            var done = decoder.TryDecode(out difference);
            requesterSw.Stop();
            if (done)
            {
                byte[] stop = [StopTag];
                requesterBytes += stop.Length;
                break;
            }
        }

        return new WireRunResult(
            requesterBytes,
            responderBytes,
            Exchanges: 1,
            requesterSw.Elapsed.TotalMilliseconds,
            responderSw.Elapsed.TotalMilliseconds,
            difference?.RemoteOnly,
            difference?.LocalOnly.Count,
            sent);
    }

    /// <summary>The first batch covers the set-size difference (a lower bound on d); then batches grow by 1/128 of what was sent.</summary>
    internal static long NextBatchSize(long sent, long sizeDifference) =>
        sent == 0 ? Math.Max(1, sizeDifference) : Math.Max(1, sent / 128);

    private static int PrefixFor(long sizeDifference) =>
        (int)Math.Min(RatelessEncoder.MaxPrefixLength, Math.Max(RatelessEncoder.DefaultPrefixLength, (sizeDifference * 3 / 2) + 64));

    private static void Expect(byte actual, byte expected)
    {
        if (actual != expected)
        {
            throw new LedgerSyncProtocolException($"Unexpected message tag {actual}; expected {expected}.");
        }
    }
}
