using System.Diagnostics;
using System.Buffers;
using LedgerSync.Protocol;
using LedgerSync.Sketches;

namespace LedgerSync.Recovery;

/// <summary>
/// The wire form of the recovery messages (types from <see cref="ProtocolMessageType.RecoveryHello"/> up), written and
/// read with the library's codec. Readers validate every field, bound every count before allocating and reject
/// trailing bytes, throwing <see cref="LedgerSyncProtocolException"/>.
/// </summary>
internal static class RecoveryCodec
{
    /// <summary>The recovery protocol version this node speaks (2: the hello claims no identity and may carry a trace context).</summary>
    public const int CurrentVersion = 2;

    /// <summary>The longest reason text accepted, in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 1024;

    /// <summary>The most IDs one request may carry, whatever the responder's limit (the range of <c>maxAllowedTransactions</c>).</summary>
    public const int MaxIdsPerRequest = 1000;

    /// <summary>The largest payload the protocol carries (the top of <c>maxAllowedSizeInBytes</c>'s range).</summary>
    public const int MaxPayloadBytes = 10_000_000;

    /// <summary>The bytes a payload message needs besides its chunk: type, ID, two varints.</summary>
    public const int PayloadOverhead = 1 + TransactionId.Size + 10 + 5;

    /// <summary>The longest wait a responder may ask for (the top of the window ranges).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    /// <summary>Whether <paramref name="message"/> is a recovery message (its first byte).</summary>
    public static bool IsRecoveryMessage(ReadOnlySpan<byte> message) =>
        !message.IsEmpty && message[0] >= (byte)ProtocolMessageType.RecoveryHello && message[0] <= (byte)ProtocolMessageType.RecoveryAbort;

    public static ProtocolMessageType PeekType(ReadOnlySpan<byte> message) =>
        IsRecoveryMessage(message)
            ? (ProtocolMessageType)message[0]
            : throw new LedgerSyncProtocolException(message.IsEmpty ? "Malformed recovery message: it is empty." : $"Malformed recovery message: unexpected message type {message[0]}.");

    public static byte[] EncodeHello(RecoveryHelloMessage hello) => Encode(ProtocolMessageType.RecoveryHello, hello, static (ref WireWriter w, RecoveryHelloMessage h) =>
    {
        w.WriteVarUInt64((ulong)h.Version);
        w.WriteVarUInt64((ulong)h.MaxMessageSize);
        if (h.TraceContext is { } trace)
        {
            w.WriteByte(ProtocolCodec.TraceContextMarker);
            trace.TraceId.CopyTo(w.Reserve(16));
            trace.SpanId.CopyTo(w.Reserve(8));
            w.WriteByte((byte)trace.TraceFlags);
        }
    });

    /// <summary>Reads the version first, so another version's layout (version 1 claimed an identity) is never misread.</summary>
    public static RecoveryHelloMessage DecodeHello(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.RecoveryHello);
        var version = (int)reader.ReadVarUInt("the recovery version", int.MaxValue);
        if (version != CurrentVersion)
        {
            return new RecoveryHelloMessage(version, 0);
        }

        var maxMessageSize = (int)reader.ReadVarUInt("the requester's maximum message size", int.MaxValue);
        if (maxMessageSize < LedgerSyncOptions.MinMaxMessageSize)
        {
            throw new LedgerSyncProtocolException($"Malformed recovery hello: a maximum message size of {maxMessageSize} bytes is below the minimum of {LedgerSyncOptions.MinMaxMessageSize}.");
        }

        ActivityContext? trace = null;
        if (reader.Remaining > 0)
        {
            var marker = reader.ReadByte("the trace context marker");
            if (marker != ProtocolCodec.TraceContextMarker)
            {
                throw new LedgerSyncProtocolException($"Malformed recovery hello: unknown trailing field {marker}.");
            }

            var traceId = reader.ReadRaw(16, "the trace ID");
            var spanId = reader.ReadRaw(8, "the span ID");
            var flags = (ActivityTraceFlags)(reader.ReadByte("the trace flags") & (byte)ActivityTraceFlags.Recorded);
            if (!traceId.ContainsAnyExcept((byte)0) || !spanId.ContainsAnyExcept((byte)0))
            {
                throw new LedgerSyncProtocolException("Malformed recovery hello: its trace context has an all-zero trace or span ID.");
            }

            trace = new ActivityContext(ActivityTraceId.CreateFromBytes(traceId), ActivitySpanId.CreateFromBytes(spanId), flags, isRemote: true);
        }

        reader.EnsureEnd("recovery hello");
        return new RecoveryHelloMessage(version, maxMessageSize, trace);
    }

    public static byte[] EncodeAccepted(RecoveryAcceptedMessage accepted) => Encode(ProtocolMessageType.RecoveryAccepted, accepted, static (ref WireWriter w, RecoveryAcceptedMessage a) =>
    {
        w.WriteVarUInt64((ulong)a.MaxTransactionsPerRequest);
        w.WriteVarUInt64((ulong)a.MaxSizeInBytes);
        w.WriteVarUInt64((ulong)a.SizeWindow.TotalMilliseconds);
        w.WriteVarUInt64((ulong)a.MaxRequests);
        w.WriteVarUInt64((ulong)a.RequestsWindow.TotalMilliseconds);
        w.WriteVarUInt64((ulong)Math.Max(a.RemainingBytes, 0));
        w.WriteVarUInt64((ulong)Math.Max(a.RemainingRequests, 0));
    });

    public static RecoveryAcceptedMessage DecodeAccepted(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.RecoveryAccepted);
        var maxTransactions = (int)reader.ReadVarUInt("the most IDs per request", MaxIdsPerRequest);
        var maxSize = (int)reader.ReadVarUInt("the size limit", MaxPayloadBytes);
        var sizeWindow = ReadDuration(ref reader, "the size window");
        var maxRequests = (int)reader.ReadVarUInt("the request limit", int.MaxValue);
        var requestsWindow = ReadDuration(ref reader, "the request window");
        var remainingBytes = reader.ReadVarUInt("the bytes left", MaxPayloadBytes);
        var remainingRequests = (int)reader.ReadVarUInt("the requests left", int.MaxValue);
        reader.EnsureEnd("recovery acceptance");
        if (maxTransactions < 1 || maxSize < 1 || maxRequests < 1)
        {
            throw new LedgerSyncProtocolException("Malformed recovery acceptance: a limit of zero.");
        }

        return new RecoveryAcceptedMessage(maxTransactions, maxSize, sizeWindow, maxRequests, requestsWindow, remainingBytes, remainingRequests);
    }

    public static byte[] EncodeRefused(RecoveryRefusedMessage refused) => Encode(ProtocolMessageType.RecoveryRefused, refused, static (ref WireWriter w, RecoveryRefusedMessage r) =>
    {
        w.WriteByte((byte)r.Reason);
        w.WriteVarUInt64((ulong)Math.Max(r.RetryAfter.TotalMilliseconds, 0));
        w.WriteUtf8String(Truncate(r.Detail));
    });

    public static RecoveryRefusedMessage DecodeRefused(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.RecoveryRefused);
        var reason = reader.ReadByte("the refusal reason");
        if (reason is < (byte)RecoveryRefusalReason.UnsupportedVersion or > (byte)RecoveryRefusalReason.NotServing or 2)
        {
            throw new LedgerSyncProtocolException($"Malformed recovery refusal: unknown reason {reason}.");
        }

        var retryAfter = ReadDuration(ref reader, "the retry delay");
        var detail = reader.ReadUtf8String("the refusal detail", MaxTextBytes);
        reader.EnsureEnd("recovery refusal");
        return new RecoveryRefusedMessage((RecoveryRefusalReason)reason, retryAfter, detail);
    }

    public static byte[] EncodeRequest(IReadOnlyList<TransactionId> ids) => Encode(ProtocolMessageType.RecoveryRequest, ids, static (ref WireWriter w, IReadOnlyList<TransactionId> list) =>
    {
        w.WriteVarUInt64((ulong)list.Count);
        foreach (var id in list)
        {
            w.WriteTransactionId(id);
        }
    });

    /// <summary>Reads a request of at most <paramref name="maxIds"/> IDs (the responder's <c>maxAllowedTransactions</c>).</summary>
    public static TransactionId[] DecodeRequest(ReadOnlySpan<byte> message, int maxIds)
    {
        var reader = Open(message, ProtocolMessageType.RecoveryRequest);
        var count = reader.ReadCount("the number of requested IDs", maxIds, TransactionId.Size);
        if (count == 0)
        {
            throw new LedgerSyncProtocolException("Malformed recovery request: it asks for no transaction.");
        }

        var ids = new TransactionId[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = reader.ReadTransactionId("a requested ID");
        }

        reader.EnsureEnd("recovery request");
        return ids;
    }

    /// <summary>Encodes the start of a payload; <paramref name="firstChunk"/> must leave the message within the maximum size.</summary>
    public static byte[] EncodePayload(TransactionId id, long length, ReadOnlySpan<byte> firstChunk)
    {
        var writer = new ArrayBufferWriter<byte>(PayloadOverhead + firstChunk.Length);
        var w = new WireWriter(writer);
        w.WriteByte((byte)ProtocolMessageType.RecoveryPayload);
        w.WriteTransactionId(id);
        w.WriteVarUInt64((ulong)length);
        w.WriteBytes(firstChunk);
        w.Flush();
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the start of a payload; its length may be at most <paramref name="maxLength"/>, its first chunk no longer than the length.</summary>
    public static RecoveryPayloadHeader DecodePayload(ReadOnlyMemory<byte> message, int maxLength)
    {
        var reader = Open(message.Span, ProtocolMessageType.RecoveryPayload);
        var id = reader.ReadTransactionId("the payload's ID");
        var length = reader.ReadVarUInt("the payload's length", maxLength);
        var chunkLength = reader.ReadCount("the chunk's length", (int)length, 1);
        var offset = reader.Position;
        _ = reader.ReadRaw(chunkLength, "the chunk");
        reader.EnsureEnd("recovery payload");
        return new RecoveryPayloadHeader(id, length, message.Slice(offset, chunkLength));
    }

    public static byte[] EncodeChunk(ReadOnlySpan<byte> chunk)
    {
        var writer = new ArrayBufferWriter<byte>(6 + chunk.Length);
        var w = new WireWriter(writer);
        w.WriteByte((byte)ProtocolMessageType.RecoveryPayloadChunk);
        w.WriteBytes(chunk);
        w.Flush();
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a chunk of at most <paramref name="maxLength"/> bytes (what is left of the payload).</summary>
    public static ReadOnlyMemory<byte> DecodeChunk(ReadOnlyMemory<byte> message, long maxLength)
    {
        var reader = Open(message.Span, ProtocolMessageType.RecoveryPayloadChunk);
        var length = reader.ReadCount("the chunk's length", (int)Math.Min(maxLength, int.MaxValue), 1);
        var offset = reader.Position;
        _ = reader.ReadRaw(length, "the chunk");
        reader.EnsureEnd("recovery payload chunk");
        if (length == 0)
        {
            throw new LedgerSyncProtocolException("Malformed recovery payload chunk: it is empty.");
        }

        return message.Slice(offset, length);
    }

    public static byte[] EncodeItemRefused(TransactionId id, RecoveryItemRefusal refusal) => Encode(ProtocolMessageType.RecoveryItemRefused, (id, refusal), static (ref WireWriter w, (TransactionId Id, RecoveryItemRefusal Refusal) r) =>
    {
        w.WriteTransactionId(r.Id);
        w.WriteByte((byte)r.Refusal);
    });

    public static (TransactionId Id, RecoveryItemRefusal Refusal) DecodeItemRefused(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.RecoveryItemRefused);
        var id = reader.ReadTransactionId("the refused ID");
        var refusal = reader.ReadByte("the refusal");
        reader.EnsureEnd("recovery item refusal");
        if (refusal > (byte)RecoveryItemRefusal.TooLarge)
        {
            throw new LedgerSyncProtocolException($"Malformed recovery item refusal: unknown refusal {refusal}.");
        }

        return (id, (RecoveryItemRefusal)refusal);
    }

    public static byte[] EncodeBatchEnd(RecoveryBatchEndMessage end) => Encode(ProtocolMessageType.RecoveryBatchEnd, end, static (ref WireWriter w, RecoveryBatchEndMessage e) =>
    {
        w.WriteVarUInt64((ulong)e.Answered);
        w.WriteByte((byte)e.Limit);
        w.WriteVarUInt64((ulong)Math.Max(e.RetryAfter.TotalMilliseconds, 0));
    });

    public static RecoveryBatchEndMessage DecodeBatchEnd(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.RecoveryBatchEnd);
        var answered = (int)reader.ReadVarUInt("the number answered", MaxIdsPerRequest);
        var limit = reader.ReadByte("the limit");
        var retryAfter = ReadDuration(ref reader, "the retry delay");
        reader.EnsureEnd("recovery batch end");
        if (limit > (byte)RecoveryLimitKind.Size)
        {
            throw new LedgerSyncProtocolException($"Malformed recovery batch end: unknown limit {limit}.");
        }

        return new RecoveryBatchEndMessage(answered, (RecoveryLimitKind)limit, retryAfter);
    }

    public static byte[] EncodeAbort(string reason) => Encode(ProtocolMessageType.RecoveryAbort, reason, static (ref WireWriter w, string r) => w.WriteUtf8String(Truncate(r)));

    public static string DecodeAbort(ReadOnlySpan<byte> message)
    {
        var reader = Open(message, ProtocolMessageType.RecoveryAbort);
        var reason = reader.ReadUtf8String("the abort reason", MaxTextBytes);
        reader.EnsureEnd("recovery abort");
        return reason;
    }

    private delegate void Writer<T>(ref WireWriter writer, T value);

    private static byte[] Encode<T>(ProtocolMessageType type, T value, Writer<T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new WireWriter(buffer);
        writer.WriteByte((byte)type);
        write(ref writer, value);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static WireReader Open(ReadOnlySpan<byte> message, ProtocolMessageType expected)
    {
        var reader = new WireReader(message);
        var type = reader.ReadByte("the message type");
        if (type != (byte)expected)
        {
            throw new LedgerSyncProtocolException($"Malformed recovery message: expected {expected}, got type {type}.");
        }

        return reader;
    }

    private static TimeSpan ReadDuration(ref WireReader reader, string what) =>
        TimeSpan.FromMilliseconds(reader.ReadVarUInt(what, (long)MaxWait.TotalMilliseconds));

    private static string Truncate(string text)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(text) <= MaxTextBytes)
        {
            return text;
        }

        var cut = Math.Min(text.Length, MaxTextBytes / 4);
        return text[..cut];
    }
}
