using System.Buffers.Binary;
using System.Text;
using LedgerSync.Ledger;

namespace LedgerSync.Benchmarks.Recovery;

/// <summary>
/// The recovery benchmark's transactions: a two-byte header length, the participants (UTF-8, separated by <c>;</c>) and
/// random filler up to the payload size. The ID is the SHA-256 of the bytes, so the decoder verifies every payload.
/// </summary>
internal sealed class BenchmarkTransactionCodec : ITransactionDecoder
{
    public static (TransactionId Id, byte[] Payload) Create(Random random, int size, params PartyName[] participants)
    {
        var header = Encoding.UTF8.GetBytes(string.Join(";", participants));
        var payload = new byte[Math.Max(size, header.Length + 2)];
        BinaryPrimitives.WriteUInt16LittleEndian(payload, (ushort)header.Length);
        header.CopyTo(payload, 2);
        random.NextBytes(payload.AsSpan(2 + header.Length));
        return (TransactionId.HashOf(payload), payload);
    }

    public TransactionMetadata Decode(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        var length = BinaryPrimitives.ReadUInt16LittleEndian(span);
        var participants = Encoding.UTF8.GetString(span.Slice(2, length)).Split(';').Select(PartyName.Parse);
        return new TransactionMetadata(TransactionId.HashOf(span), [], [.. participants]);
    }
}
