namespace LedgerSync.Tests.Domain;

public sealed class TransactionIdTests
{
    [Test]
    public void Parse_LowerCaseHex_FormatsUpperCase()
    {
        var text = new string('a', 62) + "0f";

        var id = TransactionId.Parse(text);

        Assert.That(id.ToString(), Is.EqualTo(text.ToUpperInvariant()));
    }

    [TestCase("")]
    [TestCase("0B81D5CB")]
    [TestCase("0B81D5CB3FC8B88669C57281B028D8656F030C6D105FDE4BD34D9051DDB6629G")]
    public void Parse_Malformed_ThrowsFormatExceptionQuotingInput(string text)
    {
        Assert.That(() => TransactionId.Parse(text), Throws.TypeOf<FormatException>().With.Message.Contains($"'{text}'"));
    }

    [Test]
    public void RoundTrip_RandomIds_PreservesBytesAndOrder()
    {
        var random = new Random(42);
        for (var i = 0; i < 1000; i++)
        {
            var a = TransactionId.Random(random);
            var b = TransactionId.Random(random);

            Assert.That(new TransactionId(a.ToByteArray()), Is.EqualTo(a));
            Assert.That(TransactionId.Parse(a.ToString()), Is.EqualTo(a));
            Assert.That(Math.Sign(a.CompareTo(b)), Is.EqualTo(Math.Sign(string.CompareOrdinal(a.ToString(), b.ToString()))));
        }
    }
}
