using System.Buffers.Binary;
using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

public sealed class SipHashTests
{
    private static readonly ulong Key0 = BinaryPrimitives.ReadUInt64LittleEndian([0, 1, 2, 3, 4, 5, 6, 7]);
    private static readonly ulong Key1 = BinaryPrimitives.ReadUInt64LittleEndian([8, 9, 10, 11, 12, 13, 14, 15]);

    // Published SipHash-2-4 vectors (key 00..0f, message 00..len-1).
    [TestCase(0, 0x726fdb47dd0e0e31UL)]
    [TestCase(1, 0x74f839c593dc67fdUL)]
    [TestCase(8, 0x93f5f5799a932462UL)]
    [TestCase(15, 0xa129ca6149be45e5UL)]
    public void Hash_SipHash24ReferenceVector_Matches(int length, ulong expected)
    {
        var message = new byte[length];
        for (var i = 0; i < length; i++)
        {
            message[i] = (byte)i;
        }

        Assert.That(SipHash.Hash(Key0, Key1, message, 2, 4), Is.EqualTo(expected));
    }

    [Test]
    public void Hash13_RandomInputs_EqualsGeneralForm()
    {
        var random = new Random(7);
        var bytes = new byte[32];
        for (var trial = 0; trial < 1000; trial++)
        {
            random.NextBytes(bytes);
            var k0 = (ulong)random.NextInt64();
            var k1 = (ulong)random.NextInt64();
            var fast = SipHash.Hash13(
                k0,
                k1,
                BinaryPrimitives.ReadUInt64LittleEndian(bytes),
                BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)),
                BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)),
                BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(24)));
            Assert.That(fast, Is.EqualTo(SipHash.Hash(k0, k1, bytes, 1, 3)));
        }
    }

    [Test]
    public void MappingHash_IsSipHash13OfTheIdBytes()
    {
        var random = new Random(8);
        var key = SketchKey.FromRandom(random);
        var id = TransactionId.Random(random);

        Assert.That(SymbolMapping.Hash(key, id), Is.EqualTo(SipHash.Hash(key.K0, key.K1, id.ToByteArray(), 1, 3)));
    }
}
