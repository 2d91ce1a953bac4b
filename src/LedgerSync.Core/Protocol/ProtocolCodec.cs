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
    /// The protocol version this node speaks. Version 3: the hello carries no claimed identity (the responder takes it
    /// from the transport) and may carry a trace context; the acceptance carries only the key and the set size; the
    /// first burst of symbols is sized from the two set sizes by <see cref="SymbolFlowPolicy.FirstBurst"/>; a requester
    /// whose first burst did not decode sends a difference estimator, from which the responder sizes the second burst
    /// (see docs/protocol.md).
    /// </summary>
    public const int CurrentVersion = 3;

    /// <summary>The longest free-text reason accepted in a refusal or abort, in UTF-8 bytes.</summary>
    public const int MaxReasonBytes = 1024;

    /// <summary>The largest set size or symbol index a message may carry.</summary>
    public const long MaxCount = int.MaxValue;

    /// <summary>The bytes a symbols message needs on top of its symbols.</summary>
    public const int SymbolsMessageOverhead = 1 + SymbolCodec.MaxHeaderSize;

    public static ProtocolMessageType PeekType(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            throw new LedgerSyncProtocolException("Malformed message: it is empty.");
        }

        var type = (ProtocolMessageType)message[0];
        if (type is < ProtocolMessageType.Hello or > ProtocolMessageType.Granted)
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
            + WireWriter.GetVarUInt64Size((ulong)accepted.SetSize);
        var bytes = new byte[size];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Accepted);
        writer.WriteVarUInt64((ulong)accepted.Version);
        accepted.Key.WriteTo(writer.Reserve(SketchKey.Size));
        writer.WriteVarUInt64((ulong)accepted.SetSize);
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
        reader.EnsureEnd("acceptance");
        return new AcceptedMessage(version, key, setSize);
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

    /// <summary>The most symbols one symbols message may hold under <paramref name="maxMessageSize"/>.</summary>
    public static int MaxSymbolsPerMessage(long firstIndex, int maxMessageSize) =>
        SymbolCodec.GetMaxSymbolsThatFit(firstIndex, maxMessageSize - 1);

    public static byte[] EncodeSymbols(long firstIndex, ReadOnlySpan<CodedSymbol> symbols)
    {
        var bytes = new byte[1 + SymbolCodec.GetEncodedSize(firstIndex, symbols.Length)];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Symbols);
        SymbolCodec.Write(ref writer, firstIndex, symbols);
        return bytes;
    }

    /// <summary>Reads a symbols message of at most <paramref name="maxSymbols"/> symbols (more is a flood: rejected before allocating).</summary>
    public static CodedSymbol[] DecodeSymbols(ReadOnlySpan<byte> message, int maxSymbols, out long firstIndex)
    {
        var reader = Open(message, ProtocolMessageType.Symbols);
        var symbols = SymbolCodec.Read(ref reader, maxSymbols, out firstIndex);
        reader.EnsureEnd("symbols");
        return symbols;
    }

    /// <summary>Encodes a credit of <paramref name="more"/> symbols, in the current exchange or opening the next one.</summary>
    public static byte[] EncodeCredit(bool nextExchange, long more)
    {
        var bytes = new byte[1 + WireWriter.GetVarUInt64Size((ulong)more)];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)(nextExchange ? ProtocolMessageType.NextExchange : ProtocolMessageType.Credit));
        writer.WriteVarUInt64((ulong)more);
        return bytes;
    }

    /// <summary>Reads a <see cref="ProtocolMessageType.Credit"/> or <see cref="ProtocolMessageType.NextExchange"/> message.</summary>
    public static (bool NextExchange, long More) DecodeCredit(ReadOnlySpan<byte> message)
    {
        var reader = new WireReader(message);
        var type = (ProtocolMessageType)reader.ReadByte("message type");
        if (type is not (ProtocolMessageType.Credit or ProtocolMessageType.NextExchange))
        {
            throw new LedgerSyncProtocolException($"Unexpected message: expected a credit, got type {(byte)type}.");
        }

        var more = reader.ReadVarUInt("credit", RatelessEncoder.MaxPrefixLength);
        reader.EnsureEnd("credit");
        if (more == 0)
        {
            throw new LedgerSyncProtocolException("Malformed credit: it grants no symbols.");
        }

        return (type == ProtocolMessageType.NextExchange, more);
    }

    /// <summary>Encodes the requester's difference estimator with the credit it would grant anyway (<paramref name="more"/>, at least 1).</summary>
    public static byte[] EncodeDifferenceEstimate(long more, DifferenceEstimator estimator)
    {
        var bytes = new byte[1 + WireWriter.GetVarUInt64Size((ulong)more) + DifferenceEstimator.EncodedSize];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.DifferenceEstimate);
        writer.WriteVarUInt64((ulong)more);
        estimator.WriteTo(writer.Reserve(DifferenceEstimator.EncodedSize));
        return bytes;
    }

    /// <summary>Reads a difference estimate: the credit and the estimator's bytes (a slice of <paramref name="message"/>).</summary>
    public static long DecodeDifferenceEstimate(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> estimator)
    {
        var reader = Open(message, ProtocolMessageType.DifferenceEstimate);
        var more = reader.ReadVarUInt("credit", RatelessEncoder.MaxPrefixLength);
        if (more == 0)
        {
            throw new LedgerSyncProtocolException("Malformed difference estimate: it grants no symbols.");
        }

        estimator = reader.ReadRaw(DifferenceEstimator.EncodedSize, "difference estimator");
        reader.EnsureEnd("difference estimate");
        return more;
    }

    /// <summary>
    /// Encodes the responder's answer to a difference estimate: how many symbols in all it streams in this exchange, and
    /// the difference its comparison of the estimators found most likely (rounded).
    /// </summary>
    public static byte[] EncodeGranted(long total, long estimate)
    {
        var bytes = new byte[1 + WireWriter.GetVarUInt64Size((ulong)total) + WireWriter.GetVarUInt64Size((ulong)estimate)];
        var writer = new WireWriter(bytes);
        writer.WriteByte((byte)ProtocolMessageType.Granted);
        writer.WriteVarUInt64((ulong)total);
        writer.WriteVarUInt64((ulong)estimate);
        return bytes;
    }

    public static (long Total, long Estimate) DecodeGranted(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.Granted);
        var total = reader.ReadVarUInt("granted symbols", RatelessEncoder.MaxPrefixLength);
        var estimate = reader.ReadVarUInt("estimated difference", MaxCount);
        reader.EnsureEnd("grant");
        return (total, estimate);
    }

    public static byte[] EncodeDone() => [(byte)ProtocolMessageType.Done];

    public static void DecodeDone(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.Done);
        reader.EnsureEnd("done");
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
