using System.Buffers;
using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

public sealed class WireCodecTests
{
    private Random _random = null!;

    [SetUp]
    public void SetUp() => _random = new Random(41);

    [TestCase(0L)]
    [TestCase(1L)]
    [TestCase(-1L)]
    [TestCase(63L)]
    [TestCase(-64L)]
    [TestCase(64L)]
    [TestCase(1L << 40)]
    [TestCase(long.MaxValue)]
    [TestCase(long.MinValue)]
    public void VarInt64_RoundTrip_AndSizeMatches(long value)
    {
        var buffer = new byte[16];
        var writer = new WireWriter(buffer);
        writer.WriteVarInt64(value);
        var written = (int)writer.BytesWritten;

        var reader = new WireReader(buffer.AsSpan(0, written));
        Assert.That(reader.ReadVarInt64("value"), Is.EqualTo(value));
        Assert.That(reader.IsAtEnd, Is.True);
        Assert.That(written, Is.EqualTo(WireWriter.GetVarInt64Size(value)));
    }

    [Test]
    public void Writer_AllPrimitivesThroughBufferWriter_ReadBack()
    {
        var output = new ArrayBufferWriter<byte>(1);
        var id = TransactionId.Random(_random);
        var writer = new WireWriter(output);
        writer.WriteByte(7);
        writer.WriteUInt32(0xDEADBEEF);
        writer.WriteUInt64(ulong.MaxValue - 1);
        writer.WriteVarUInt64(300);
        writer.WriteTransactionId(id);
        writer.WriteBytes([1, 2, 3]);
        writer.WriteUtf8String("O=PartyA, L=Zürich, C=CH");
        writer.Flush();

        var reader = new WireReader(output.WrittenSpan);
        Assert.That(reader.ReadByte("b"), Is.EqualTo(7));
        Assert.That(reader.ReadUInt32("u32"), Is.EqualTo(0xDEADBEEF));
        Assert.That(reader.ReadUInt64("u64"), Is.EqualTo(ulong.MaxValue - 1));
        Assert.That(reader.ReadVarUInt("v", 1000), Is.EqualTo(300));
        Assert.That(reader.ReadTransactionId("id"), Is.EqualTo(id));
        Assert.That(reader.ReadBytes("bytes", 3).ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(reader.ReadUtf8String("name", 100), Is.EqualTo("O=PartyA, L=Zürich, C=CH"));
        reader.EnsureEnd("test message");
        Assert.That(writer.BytesWritten, Is.EqualTo(output.WrittenCount));
    }

    [Test]
    public void Writer_SpanTooSmall_ThrowsInvalidOperation()
    {
        var buffer = new byte[3];
        Assert.That(
            () =>
            {
                var writer = new WireWriter(buffer);
                writer.WriteUInt32(1);
            },
            Throws.TypeOf<InvalidOperationException>());
    }

    // Each malformed input, read as: varint count (max 10, items of 1 byte) then end.
    [TestCase(new byte[0], TestName = "Reader_Empty_Throws")]
    [TestCase(new byte[] { 0x80 }, TestName = "Reader_TruncatedVarint_Throws")]
    [TestCase(new byte[] { 0x81, 0x00 }, TestName = "Reader_NonMinimalVarint_Throws")]
    [TestCase(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }, TestName = "Reader_VarintOverflow_Throws")]
    [TestCase(new byte[] { 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, TestName = "Reader_CountAboveMax_Throws")]
    [TestCase(new byte[] { 5, 1, 2 }, TestName = "Reader_CountAboveRemaining_Throws")]
    [TestCase(new byte[] { 1, 1, 9 }, TestName = "Reader_TrailingByte_Throws")]
    public void Reader_Malformed(byte[] message)
    {
        Assert.That(
            () =>
            {
                var reader = new WireReader(message);
                reader.ReadBytes("payload", 10);
                reader.EnsureEnd("payload");
            },
            Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void ReadUtf8String_InvalidUtf8_ThrowsProtocolException()
    {
        byte[] message = [2, 0xC3, 0x28];
        Assert.That(
            () =>
            {
                var reader = new WireReader(message);
                reader.ReadUtf8String("name", 10);
            },
            Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [TestCase(0L, 0)]
    [TestCase(0L, 1)]
    [TestCase(5L, 100)]
    [TestCase(250L, 10)]
    [TestCase(256L, 3)]
    [TestCase(200_000L, 1000)]
    public void SymbolCodec_RoundTrip_PreservesSumAndChecksumButNotCount(long first, int count)
    {
        var symbols = new CodedSymbol[count];
        for (var i = 0; i < count; i++)
        {
            symbols[i] = new CodedSymbol(TransactionId.Random(_random), (uint)_random.Next(), _random.Next(-2000, 2000));
        }

        var bytes = SymbolCodec.Encode(first, symbols);
        var decoded = SymbolCodec.Decode(bytes, count, out var decodedFirst);

        Assert.That(bytes, Has.Length.EqualTo(SymbolCodec.GetEncodedSize(first, count)));
        Assert.That(decodedFirst, Is.EqualTo(first));
        Assert.That(
            decoded.Select(s => (s.Sum, s.Checksum, s.Count)),
            Is.EqualTo(symbols.Select((s, i) => (s.Sum, s.Checksum & SymbolCodec.ChecksumMask(first + i), 0))));
    }

    [TestCase(0L, 100)]
    [TestCase(0L, 1500)]
    [TestCase(0L, 20_000)]
    [TestCase(200L, 5000)]
    [TestCase(1_000_000L, 65_536)]
    [TestCase(0L, 1 << 20)]
    public void GetMaxSymbolsThatFit_IsTheLargestCountThatFits(long first, int maxBytes)
    {
        var count = SymbolCodec.GetMaxSymbolsThatFit(first, maxBytes);

        Assert.That(SymbolCodec.GetEncodedSize(first, count), Is.LessThanOrEqualTo(maxBytes));
        Assert.That(SymbolCodec.GetEncodedSize(first, count + 1), Is.GreaterThan(maxBytes));
    }

    [Test]
    public void SymbolCodec_Sizes_And24BitChecksumsPastIndex256()
    {
        Assert.That(SymbolCodec.FormatVersion, Is.EqualTo(1));
        Assert.That(SymbolCodec.GetSymbolsSize(0, 256), Is.EqualTo(256 * 36));
        Assert.That(SymbolCodec.GetSymbolsSize(256, 100), Is.EqualTo(100 * 35));
        Assert.That(SymbolCodec.GetSymbolsSize(250, 10), Is.EqualTo((6 * 36) + (4 * 35)));
        var symbols = new[] { new CodedSymbol(TransactionId.Random(_random), 0xDEAD_BEEFu, 0) };
        Assert.That(SymbolCodec.Decode(SymbolCodec.Encode(255, symbols), 1, out _)[0].Checksum, Is.EqualTo(0xDEAD_BEEFu));
        Assert.That(SymbolCodec.Decode(SymbolCodec.Encode(256, symbols), 1, out _)[0].Checksum, Is.EqualTo(0xAD_BEEFu));
    }

    [TestCase(0L, 5)]
    [TestCase(254L, 4)]
    [TestCase(300L, 7)]
    public void SymbolCodec_EveryTruncation_ThrowsProtocolException(long first, int count)
    {
        var symbols = new CodedSymbol[count];
        for (var i = 0; i < count; i++)
        {
            symbols[i] = new CodedSymbol(TransactionId.Random(_random), (uint)_random.Next(), 0);
        }

        var bytes = SymbolCodec.Encode(first, symbols);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.That(() => SymbolCodec.Decode(bytes.AsSpan(0, length).ToArray(), count, out _), Throws.TypeOf<LedgerSyncProtocolException>(), $"length {length}");
        }
    }

    [Test]
    public void SymbolCodec_UnknownFormat_ThrowsProtocolException()
    {
        var bytes = SymbolCodec.Encode(0, new CodedSymbol[2]);
        bytes[0] = 2;

        Assert.That(() => SymbolCodec.Decode(bytes, 10, out _), Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("format 2"));
    }

    [Test]
    public void SymbolCodec_MoreSymbolsThanAllowed_ThrowsProtocolException()
    {
        var bytes = SymbolCodec.Encode(0, new CodedSymbol[11]);

        Assert.That(() => SymbolCodec.Decode(bytes, 10, out _), Throws.TypeOf<LedgerSyncProtocolException>());
    }

    [Test]
    public void SymbolCodec_HugeDeclaredCountInTinyMessage_RejectedBeforeAllocating()
    {
        // format 1, first index 0, count 2^31 (varint), then 3 bytes.
        byte[] message = [1, 0, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3];
        SymbolCodec.Decode(SymbolCodec.Encode(0, new CodedSymbol[1]), 1, out _); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        LedgerSyncProtocolException? caught = null;
        try
        {
            SymbolCodec.Decode(message, int.MaxValue, out _);
        }
        catch (LedgerSyncProtocolException ex)
        {
            caught = ex;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(caught, Is.Not.Null);
        Assert.That(allocated, Is.LessThan(16 * 1024), "bytes allocated while rejecting");
    }

    [Test]
    public void SymbolCodec_FuzzedMessages_OnlyProtocolExceptionsAndBoundedAllocation()
    {
        const int Messages = 100_000;
        var random = new Random(4242);
        var valid = new List<byte[]>();
        for (var i = 0; i < 20; i++)
        {
            var symbols = new CodedSymbol[random.Next(0, 40)];
            for (var s = 0; s < symbols.Length; s++)
            {
                symbols[s] = new CodedSymbol(TransactionId.Random(random), (uint)random.Next(), random.Next(256));
            }

            valid.Add(SymbolCodec.Encode(random.NextInt64(0, 1L << 22), symbols));
        }

        int accepted = 0, rejected = 0;
        long worstExcess = 0;
        for (var m = 0; m < Messages; m++)
        {
            var message = Mutate(random, valid[random.Next(valid.Count)]);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var symbols = SymbolCodec.Decode(message, 64, out var first);
                Assert.That(symbols, Has.Length.LessThanOrEqualTo(64));
                Assert.That(first + symbols.Length, Is.LessThanOrEqualTo(RatelessEncoder.MaxPrefixLength));
                accepted++;
            }
            catch (LedgerSyncProtocolException)
            {
                rejected++;
            }

            // What a decode may allocate: the symbol array for the bytes actually present, plus the exception.
            var allowed = (message.Length / SymbolCodec.MinEncodedSymbolSize * 40) + (16 * 1024);
            worstExcess = Math.Max(worstExcess, GC.GetAllocatedBytesForCurrentThread() - before - allowed);
        }

        Assert.That(accepted, Is.GreaterThan(0), "no mutated message decoded: the accept path's bounds went untested (or the decoder rejects valid symbols)");
        Assert.That(rejected, Is.GreaterThan(Messages / 2));
        Assert.That(worstExcess, Is.LessThanOrEqualTo(0), "allocation beyond the bound");
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        switch (random.Next(5))
        {
            case 0:
            {
                var bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
                if (bytes.Length > 0 && random.Next(2) == 0)
                {
                    bytes[0] = SymbolCodec.FormatVersion;
                }

                return bytes;
            }

            case 1:
                return original[..random.Next(0, original.Length + 1)];
            case 2:
            {
                var bytes = (byte[])original.Clone();
                var flips = random.Next(1, 4);
                for (var f = 0; f < flips && bytes.Length > 0; f++)
                {
                    var position = random.Next(Math.Min(bytes.Length, random.Next(2) == 0 ? 8 : bytes.Length));
                    bytes[position] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            }

            case 3:
            {
                var bytes = new byte[original.Length + random.Next(1, 5)];
                original.CopyTo(bytes, 0);
                return bytes;
            }

            default:
            {
                // A header declaring a large count over a short body.
                var bytes = new byte[random.Next(2, 40)];
                random.NextBytes(bytes);
                bytes[0] = SymbolCodec.FormatVersion;
                bytes[1] = 0;
                var writer = new WireWriter(bytes.AsSpan(2));
                if (bytes.Length >= 12)
                {
                    writer.WriteVarUInt64((ulong)random.NextInt64(1, 1L << 40));
                }

                return bytes;
            }
        }
    }
}
