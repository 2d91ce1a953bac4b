using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using LedgerSync.Ledger;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// The sample ledger's serialized transaction, which is what its <c>payload</c> column holds and what recovery moves
/// between nodes: <c>"LSTX"</c>, a version byte, the recording sequence, 32 bytes of business content, the
/// dependencies and the participants. The transaction's ID is the SHA-256 of these bytes, so the decoder derives the
/// ID from the payload itself: a payload that was changed, or sent under another ID, does not decode to that ID.
/// </summary>
internal sealed class LedgerTransactionCodec : ITransactionDecoder
{
    private const byte Version = 1;
    private static ReadOnlySpan<byte> Magic => "LSTX"u8;

    /// <summary>Serializes a new transaction's content (the payload; its ID is <see cref="TransactionId.HashOf"/> of it).</summary>
    public static byte[] Encode(long sequence, ReadOnlySpan<byte> content, IReadOnlyList<TransactionId> dependencies, IReadOnlyList<PartyName> participants)
    {
        var names = participants.Select(p => Encoding.UTF8.GetBytes(p.ToString())).ToArray();
        var payload = new byte[4 + 1 + 8 + 32 + 2 + (dependencies.Count * TransactionId.Size) + 2 + names.Sum(n => 2 + n.Length)];
        var span = payload.AsSpan();
        Magic.CopyTo(span);
        span[4] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(span[5..], sequence);
        content[..32].CopyTo(span[13..]);
        var at = 45;
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)dependencies.Count);
        at += 2;
        foreach (var dependency in dependencies)
        {
            dependency.WriteTo(span[at..]);
            at += TransactionId.Size;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)names.Length);
        at += 2;
        foreach (var name in names)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)name.Length);
            name.CopyTo(span[(at + 2)..]);
            at += 2 + name.Length;
        }

        return payload;
    }

    /// <inheritdoc />
    public TransactionMetadata Decode(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (span.Length < 49 || !span[..4].SequenceEqual(Magic) || span[4] != Version)
        {
            throw new FormatException("Not a sample ledger transaction.");
        }

        var at = 45;
        var dependencyCount = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        at += 2;
        if (span.Length < at + (dependencyCount * TransactionId.Size) + 2)
        {
            throw new FormatException("The transaction's dependencies are cut off.");
        }

        var dependencies = ImmutableArray.CreateBuilder<TransactionId>(dependencyCount);
        for (var i = 0; i < dependencyCount; i++, at += TransactionId.Size)
        {
            dependencies.Add(new TransactionId(span.Slice(at, TransactionId.Size)));
        }

        var participantCount = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        at += 2;
        var participants = ImmutableArray.CreateBuilder<PartyName>(participantCount);
        for (var i = 0; i < participantCount; i++)
        {
            if (span.Length < at + 2 || span.Length < at + 2 + BinaryPrimitives.ReadUInt16LittleEndian(span[at..]))
            {
                throw new FormatException("The transaction's participants are cut off.");
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
            participants.Add(PartyName.Parse(Encoding.UTF8.GetString(span.Slice(at + 2, length))));
            at += 2 + length;
        }

        if (at != span.Length)
        {
            throw new FormatException("The transaction has trailing bytes.");
        }

        return new TransactionMetadata(TransactionId.HashOf(span), dependencies.MoveToImmutable(), participants.MoveToImmutable());
    }
}
