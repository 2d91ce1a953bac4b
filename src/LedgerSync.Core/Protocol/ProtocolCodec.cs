using System.Diagnostics;
using LedgerSync.Sketches;

namespace LedgerSync.Protocol;

/// <summary>
/// The wire form of every protocol message, written and read with the one codec of the library
/// (<see cref="WireWriter"/>, <see cref="WireReader"/>, <see cref="SymbolCodec"/>). Each message is one type byte
/// followed by its fields; readers validate every field and reject trailing bytes, throwing
/// <see cref="LedgerSyncProtocolException"/>.
/// </summary>
internal static class ProtocolCodec
{
    /// <summary>
    /// The protocol version this node speaks. Version 5: the sketch is built over 8-byte keyed short IDs; the
    /// <em>requester</em> streams its coded symbols (11 then 10 bytes each) in rounds whose end it announces, and the
    /// <em>responder</em> decodes them against its warm sketch and answers with the full IDs the requester lacks. The
    /// responder's difference estimator travels in the acceptance when the set sizes are equal (80 bytes), the
    /// requester's before its first symbols when they differ by 64 or more (80 bytes), and the responder's with a credit
    /// when they differ by 1 to 63 (640 bytes; version 4 sent 80 there, and is otherwise the same). See
    /// docs/protocol.md.
    /// </summary>
    public const int CurrentVersion = 5;

    /// <summary>The longest free-text reason accepted in a refusal or abort, in UTF-8 bytes.</summary>
    public const int MaxReasonBytes = 1024;

    /// <summary>The largest set size or symbol index a message may carry.</summary>
    public const long MaxCount = int.MaxValue;

    public static ProtocolMessageType PeekType(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            throw new LedgerSyncProtocolException("Malformed message: it is empty.");
        }

        var type = (ProtocolMessageType)message[0];
        if (type is < ProtocolMessageType.Hello or > ProtocolMessageType.ResultPart)
        {
            throw new LedgerSyncProtocolException($"Malformed message: unknown message type {message[0]}.");
        }

        return type;
    }

    /// <summary>The marker of a W3C trace context at the end of a hello (trace ID, span ID, trace flags follow).</summary>
    public const byte TraceContextMarker = 1;

    /// <summary>The bytes a trace context adds to a hello: marker, 16-byte trace ID, 8-byte span ID, flags.</summary>
    public const int TraceContextSize = 1 + 16 + 8 + 1;

    public static byte[] EncodeHello(HelloMessage hello)
    {
        var size = 1 + WireWriter.GetVarUInt64Size((ulong)hello.Version) + WireWriter.GetVarUInt64Size((ulong)hello.SetSize)
            + (hello.TraceContext is null ? 0 : TraceContextSize);
        var bytes = new byte[size];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Hello);
        writer.WriteVarUInt64((ulong)hello.Version);
        writer.WriteVarUInt64((ulong)hello.SetSize);
        if (hello.TraceContext is { } trace)
        {
            writer.WriteByte(TraceContextMarker);
            trace.TraceId.CopyTo(writer.Reserve(16));
            trace.SpanId.CopyTo(writer.Reserve(8));
            writer.WriteByte((byte)trace.TraceFlags);
        }

        return bytes;
    }

    /// <summary>Reads a hello's version first, so another version's layout is never misread.</summary>
    public static HelloMessage DecodeHello(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.Hello);
        var version = (int)reader.ReadVarUInt("protocol version", int.MaxValue);
        if (version != CurrentVersion)
        {
            return new HelloMessage(version, 0);
        }

        var setSize = reader.ReadVarUInt("requester set size", MaxCount);
        ActivityContext? trace = null;
        if (reader.Remaining > 0)
        {
            var marker = reader.ReadByte("trace context marker");
            if (marker != TraceContextMarker)
            {
                throw new LedgerSyncProtocolException($"Malformed hello: unknown trailing field {marker}.");
            }

            var traceId = reader.ReadRaw(16, "trace ID");
            var spanId = reader.ReadRaw(8, "span ID");
            var flags = (ActivityTraceFlags)(reader.ReadByte("trace flags") & (byte)ActivityTraceFlags.Recorded);
            if (!traceId.ContainsAnyExcept((byte)0) || !spanId.ContainsAnyExcept((byte)0))
            {
                throw new LedgerSyncProtocolException("Malformed hello: its trace context has an all-zero trace or span ID.");
            }

            trace = new ActivityContext(ActivityTraceId.CreateFromBytes(traceId), ActivitySpanId.CreateFromBytes(spanId), flags, isRemote: true);
        }

        reader.EnsureEnd("hello");
        return new HelloMessage(version, setSize, trace);
    }

    public static byte[] EncodeAccepted(AcceptedMessage accepted)
    {
        var size = 1 + WireWriter.GetVarUInt64Size((ulong)accepted.Version) + SketchKey.Size
            + WireWriter.GetVarUInt64Size((ulong)accepted.SetSize) + (accepted.Estimator is null ? 0 : DifferenceEstimator.EncodedSize);
        var bytes = new byte[size];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Accepted);
        writer.WriteVarUInt64((ulong)accepted.Version);
        accepted.Key.WriteTo(writer.Reserve(SketchKey.Size));
        writer.WriteVarUInt64((ulong)accepted.SetSize);
        if (accepted.Estimator is { } estimator)
        {
            estimator.CopyTo(writer.Reserve(DifferenceEstimator.EncodedSize));
        }

        return bytes;
    }

    /// <summary>Reads an acceptance; its version is read first, and an acceptance of another version is reported as such (never misread).</summary>
    /// <exception cref="UnsupportedProtocolVersionException">The acceptance is of another protocol version.</exception>
    public static AcceptedMessage DecodeAccepted(ReadOnlySpan<byte> message, PartyName responder)
    {
        var reader = Open(message, ProtocolMessageType.Accepted);
        var version = (int)reader.ReadVarUInt("protocol version", int.MaxValue);
        if (version != CurrentVersion)
        {
            throw new UnsupportedProtocolVersionException(responder, version, CurrentVersion);
        }

        var key = new SketchKey(reader.ReadRaw(SketchKey.Size, "sketch key"));
        var setSize = reader.ReadVarUInt("responder set size", MaxCount);
        byte[]? estimator = reader.Remaining > 0 ? reader.ReadRaw(DifferenceEstimator.EncodedSize, "difference estimator").ToArray() : null;
        reader.EnsureEnd("acceptance");
        return new AcceptedMessage(version, key, setSize, estimator);
    }

    public static byte[] EncodeRefused(RefusedMessage refused)
    {
        var size = 2 + refused.Reason switch
        {
            RefusalReason.RateLimited => WireWriter.GetVarUInt64Size((ulong)refused.Limit) + WireWriter.GetVarUInt64Size((ulong)refused.Window.Ticks),
            RefusalReason.UnsupportedVersion => WireWriter.GetVarUInt64Size((ulong)refused.Limit),
            RefusalReason.NotReady => WireWriter.GetUtf8StringSize(Clip(refused.Detail)),
            _ => 0,
        };
        var bytes = new byte[size];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Refused);
        writer.WriteByte((byte)refused.Reason);
        switch (refused.Reason)
        {
            case RefusalReason.RateLimited:
                writer.WriteVarUInt64((ulong)refused.Limit);
                writer.WriteVarUInt64((ulong)refused.Window.Ticks);
                break;
            case RefusalReason.UnsupportedVersion:
                writer.WriteVarUInt64((ulong)refused.Limit);
                break;
            case RefusalReason.NotReady:
                writer.WriteUtf8String(Clip(refused.Detail));
                break;
            default:
                break;
        }

        return bytes;
    }

    public static RefusedMessage DecodeRefused(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.Refused);
        var reason = (RefusalReason)reader.ReadByte("refusal reason");
        RefusedMessage refused = reason switch
        {
            RefusalReason.Busy or RefusalReason.IdentityMismatch or RefusalReason.AlreadyResponding => new RefusedMessage(reason),
            RefusalReason.RateLimited => new RefusedMessage(
                reason,
                reader.ReadVarUInt("request limit", int.MaxValue),
                TimeSpan.FromTicks(reader.ReadVarUInt("request window", TimeSpan.MaxValue.Ticks))),
            RefusalReason.UnsupportedVersion => new RefusedMessage(reason, reader.ReadVarUInt("supported version", int.MaxValue)),
            RefusalReason.NotReady => new RefusedMessage(reason, Detail: reader.ReadUtf8String("refusal detail", MaxReasonBytes)),
            _ => throw new LedgerSyncProtocolException($"Malformed refusal: unknown reason {(byte)reason}."),
        };
        reader.EnsureEnd("refusal");
        return refused;
    }

    /// <summary>The bytes a symbols message needs on top of its symbols, at most: the type byte, the round's end and the run header.</summary>
    public const int SymbolsMessageOverhead = 1 + 4 + ShortSymbolCodec.MaxHeaderSize;

    /// <summary>The most symbols one symbols message may hold under <paramref name="maxMessageSize"/>.</summary>
    public static int MaxSymbolsPerMessage(long firstIndex, int maxMessageSize) =>
        ShortSymbolCodec.GetMaxSymbolsThatFit(firstIndex, maxMessageSize - 1 - 4);

    /// <summary>
    /// Encodes a run of the requester's coded symbols: the end of the round they belong to (the index one past the last
    /// symbol the requester sends before it waits for an answer), then the run (<see cref="ShortSymbolCodec"/>).
    /// </summary>
    public static byte[] EncodeSymbols(long roundEnd, long firstIndex, ReadOnlySpan<CodedSymbol> symbols)
    {
        var bytes = new byte[1 + WireWriter.GetVarUInt64Size((ulong)roundEnd) + ShortSymbolCodec.GetEncodedSize(firstIndex, symbols.Length)];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Symbols);
        writer.WriteVarUInt64((ulong)roundEnd);
        ShortSymbolCodec.Write(ref writer, firstIndex, symbols);
        return bytes;
    }

    /// <summary>
    /// Reads a symbols message of at most <paramref name="maxSymbols"/> symbols (more is a flood: rejected before
    /// allocating), whose symbols lie within its round (<paramref name="roundEnd"/>).
    /// </summary>
    public static CodedSymbol[] DecodeSymbols(ReadOnlySpan<byte> message, int maxSymbols, out long roundEnd, out long firstIndex)
    {
        var reader = Open(message, ProtocolMessageType.Symbols);
        roundEnd = reader.ReadVarUInt("round end", RatelessEncoder.MaxPrefixLength);
        var symbols = ShortSymbolCodec.Read(ref reader, maxSymbols, out firstIndex);
        reader.EnsureEnd("symbols");
        if (symbols.Length == 0)
        {
            throw new LedgerSyncProtocolException("Malformed symbols: the run is empty.");
        }

        if (firstIndex + symbols.Length > roundEnd)
        {
            throw new LedgerSyncProtocolException(
                $"Malformed symbols: symbols {firstIndex} to {firstIndex + symbols.Length - 1} go past the end of their round ({roundEnd}).");
        }

        return symbols;
    }

    /// <summary>
    /// Encodes the responder's answer to a round that did not decode: the requester streams on to at least
    /// <paramref name="minimumEnd"/>; with the responder's difference estimator when it could not size the next round
    /// itself (then the requester sizes it from the two estimators).
    /// </summary>
    public static byte[] EncodeCredit(long minimumEnd, ReadOnlySpan<byte> estimator = default)
    {
        var bytes = new byte[1 + WireWriter.GetVarUInt64Size((ulong)minimumEnd) + estimator.Length];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Credit);
        writer.WriteVarUInt64((ulong)minimumEnd);
        writer.WriteRaw(estimator);
        return bytes;
    }

    /// <summary>Reads a credit: the round's minimum end and the responder's estimator bytes, if it sent them (a slice of <paramref name="message"/>).</summary>
    public static long DecodeCredit(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> estimator)
    {
        var reader = Open(message, ProtocolMessageType.Credit);
        var end = reader.ReadVarUInt("round end", RatelessEncoder.MaxPrefixLength);
        estimator = reader.Remaining > 0 ? reader.ReadRaw(DifferenceEstimator.FineEncodedSize, "difference estimator") : default;
        reader.EnsureEnd("credit");
        return end;
    }

    /// <summary>Encodes the requester's difference estimator (sent once, before its first symbols, when the sizes leave d open).</summary>
    public static byte[] EncodeDifferenceEstimate(DifferenceEstimator estimator)
    {
        var bytes = new byte[1 + DifferenceEstimator.EncodedSize];
        bytes[0] = (byte)ProtocolMessageType.DifferenceEstimate;
        estimator.WriteTo(bytes.AsSpan(1));
        return bytes;
    }

    /// <summary>Reads a difference estimate: the estimator's bytes (a slice of <paramref name="message"/>).</summary>
    public static ReadOnlySpan<byte> DecodeDifferenceEstimate(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.DifferenceEstimate);
        var estimator = reader.ReadRaw(DifferenceEstimator.EncodedSize, "difference estimator");
        reader.EnsureEnd("difference estimate");
        return estimator;
    }

    /// <summary>The bytes of a result message before its IDs, at most.</summary>
    public const int ResultHeaderSize = 1 + 5 + 5 + 4;

    /// <summary>How many 32-byte IDs one result (or result part) message may hold under <paramref name="maxMessageSize"/>.</summary>
    public static int MaxIdsPerMessage(int maxMessageSize) => (maxMessageSize - ResultHeaderSize) / TransactionId.Size;

    /// <summary>
    /// Encodes the responder's result: how many IDs the requester lacks in all (<paramref name="missingTotal"/>), how many
    /// only the requester holds (<paramref name="requesterOnly"/>), how many of its symbols the decoding used, then the
    /// first of the missing IDs (32 bytes each; their number is what the message length leaves, the rest follow in
    /// <see cref="ProtocolMessageType.ResultPart"/> messages).
    /// </summary>
    public static byte[] EncodeResult(long missingTotal, long requesterOnly, long symbolsUsed, ReadOnlySpan<TransactionId> ids)
    {
        var bytes = new byte[1 + WireWriter.GetVarUInt64Size((ulong)missingTotal) + WireWriter.GetVarUInt64Size((ulong)requesterOnly)
            + WireWriter.GetVarUInt64Size((ulong)symbolsUsed) + (ids.Length * TransactionId.Size)];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Result);
        writer.WriteVarUInt64((ulong)missingTotal);
        writer.WriteVarUInt64((ulong)requesterOnly);
        writer.WriteVarUInt64((ulong)symbolsUsed);
        foreach (var id in ids)
        {
            writer.WriteTransactionId(id);
        }

        return bytes;
    }

    /// <summary>Reads a result's counts; its IDs are a whole number of 32-byte IDs, checked, left in <paramref name="ids"/>.</summary>
    public static (long MissingTotal, long RequesterOnly, long SymbolsUsed) DecodeResult(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> ids)
    {
        var reader = Open(message, ProtocolMessageType.Result);
        var total = reader.ReadVarUInt("missing IDs", MaxCount);
        var requesterOnly = reader.ReadVarUInt("requester-only IDs", MaxCount);
        var used = reader.ReadVarUInt("symbols used", RatelessEncoder.MaxPrefixLength);
        CheckIds(reader.Remaining, "result");
        ids = message[reader.Position..];
        if (ids.Length / TransactionId.Size > total)
        {
            throw new LedgerSyncProtocolException($"Malformed result: it holds {ids.Length / TransactionId.Size} IDs of {total} announced.");
        }

        return (total, requesterOnly, used);
    }

    /// <summary>Encodes more of the missing IDs of a result.</summary>
    public static byte[] EncodeResultPart(ReadOnlySpan<TransactionId> ids)
    {
        var bytes = new byte[1 + (ids.Length * TransactionId.Size)];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.ResultPart);
        foreach (var id in ids)
        {
            writer.WriteTransactionId(id);
        }

        return bytes;
    }

    /// <summary>Reads a result part: at least one whole 32-byte ID (a slice of <paramref name="message"/>).</summary>
    public static ReadOnlySpan<byte> DecodeResultPart(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.ResultPart);
        CheckIds(reader.Remaining, "result part");
        var ids = message[reader.Position..];
        if (ids.IsEmpty)
        {
            throw new LedgerSyncProtocolException("Malformed result part: it holds no IDs.");
        }

        return ids;
    }

    private static void CheckIds(int length, string what)
    {
        if (length % TransactionId.Size != 0)
        {
            throw new LedgerSyncProtocolException($"Malformed {what}: {length} bytes of IDs is not a whole number of {TransactionId.Size}-byte IDs.");
        }
    }

    public static byte[] EncodeAbort(AbortCode code, string reason, long size = 0, long limit = 0)
    {
        reason = Clip(reason);
        var sizes = code == AbortCode.MessageTooLarge
            ? WireWriter.GetVarUInt64Size((ulong)size) + WireWriter.GetVarUInt64Size((ulong)limit)
            : 0;
        var bytes = new byte[2 + WireWriter.GetUtf8StringSize(reason) + sizes];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Abort);
        writer.WriteByte((byte)code);
        writer.WriteUtf8String(reason);
        if (code == AbortCode.MessageTooLarge)
        {
            writer.WriteVarUInt64((ulong)size);
            writer.WriteVarUInt64((ulong)limit);
        }

        return bytes;
    }

    public static (AbortCode Code, string Reason) DecodeAbort(ReadOnlySpan<byte> message) => DecodeAbort(message, out _, out _);

    public static (AbortCode Code, string Reason) DecodeAbort(ReadOnlySpan<byte> message, out long size, out long limit)
    {
        var reader = Open(message, ProtocolMessageType.Abort);
        var code = (AbortCode)reader.ReadByte("abort code");
        var reason = reader.ReadUtf8String("abort reason", MaxReasonBytes);
        size = 0;
        limit = 0;
        if (code == AbortCode.MessageTooLarge)
        {
            size = reader.ReadVarUInt("message size", long.MaxValue);
            limit = reader.ReadVarUInt("message size limit", long.MaxValue);
        }

        reader.EnsureEnd("abort");
        return (code, reason);
    }

    private static WireReader Open(ReadOnlySpan<byte> message, ProtocolMessageType expected)
    {
        var reader = new WireReader(message);
        var type = reader.ReadByte("message type");
        if (type != (byte)expected)
        {
            throw new LedgerSyncProtocolException($"Unexpected message: expected {expected}, got type {type}.");
        }

        return reader;
    }

    /// <summary>Cuts free text to at most <see cref="MaxReasonBytes"/> UTF-8 bytes (by characters, conservatively).</summary>
    private static string Clip(string text) => text.Length <= MaxReasonBytes / 4 ? text : text[..(MaxReasonBytes / 4)];
}
