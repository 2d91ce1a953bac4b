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

    [Test]
    public void Parse_NonHexCharacterAt64Chars_NamesTheCharacterAndPosition()
    {
        var text = new string('A', 10) + "x" + new string('A', 53);

        Assert.That(() => TransactionId.Parse(text), Throws.TypeOf<FormatException>()
            .With.Message.EqualTo($"'{text}' is not a transaction ID: 'x' at position 11 is not a hexadecimal digit."));
    }

    [Test]
    public void Parse_VeryLongInput_QuoteIsShortened()
    {
        var text = new string('A', 1000);

        Assert.That(() => TransactionId.Parse(text), Throws.TypeOf<FormatException>()
            .With.Message.Contains(new string('A', 100) + "...'").And.Message.Contains("got 1000 characters"));
    }

    [TestCase(" 0B81D5CB3FC8B88669C57281B028D8656F030C6D105FDE4BD34D9051DDB6629B")]
    [TestCase("0x0B81D5CB3FC8B88669C57281B028D8656F030C6D105FDE4BD34D9051DDB662")]
    [TestCase("0B81D5CB3FC8B88669C57281B028D8656F030C6D105FDE4BD34D9051DDB6629B0")]
    public void TryParse_NearMisses_ReturnFalse(string text)
    {
        Assert.That(TransactionId.TryParse(text, out var id), Is.False);
        Assert.That(id, Is.EqualTo(TransactionId.Empty));
    }

    [Test]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.That(TransactionId.TryParse((string?)null, out _), Is.False);
        Assert.That(() => TransactionId.Parse((string)null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Constructor_WrongLength_Throws()
    {
        Assert.That(() => new TransactionId(new byte[31]), Throws.ArgumentException.With.Message.Contains("got 31"));
        Assert.That(() => new TransactionId(new byte[33]), Throws.ArgumentException.With.Message.Contains("got 33"));
    }

    [Test]
    public void WriteTo_ShortDestination_Throws()
    {
        var id = TransactionId.HashOf([1, 2, 3]);

        Assert.That(() => id.WriteTo(new byte[31]), Throws.ArgumentException);
    }

    [Test]
    public void HashOf_KnownInput_IsSha256()
    {
        // SHA-256("abc")
        var id = TransactionId.HashOf("abc"u8);

        Assert.That(id.ToString(), Is.EqualTo("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
    }

    [Test]
    public void Empty_IsAllZeroAndDefault()
    {
        Assert.That(TransactionId.Empty, Is.EqualTo(default(TransactionId)));
        Assert.That(TransactionId.Empty.ToString(), Is.EqualTo(new string('0', 64)));
        Assert.That(TransactionId.Empty.ToByteArray(), Is.All.EqualTo(0));
    }

    [Test]
    public void TryFormat_ShortDestination_ReturnsFalse()
    {
        var id = TransactionId.HashOf([1]);
        var buffer = new char[63];

        Assert.That(id.TryFormat(buffer, out var written), Is.False);
        Assert.That(written, Is.Zero);
    }

    [Test]
    public void Interpolation_UsesUpperCaseHex()
    {
        var id = TransactionId.HashOf([9]);

        Assert.That($"{id}", Is.EqualTo(id.ToString()));
        Assert.That(id.ToString(), Does.Match("^[0-9A-F]{64}$"));
    }

    [Test]
    public void EqualityAndHash_RandomIds_AreConsistent()
    {
        var random = new Random(3);
        var ids = Enumerable.Range(0, 2000).Select(_ => TransactionId.Random(random)).ToList();
        var copies = ids.Select(id => new TransactionId(id.ToByteArray())).ToList();

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.That(copies[i] == ids[i], Is.True);
            Assert.That(copies[i].GetHashCode(), Is.EqualTo(ids[i].GetHashCode()));
            Assert.That(ids[i] != ids[(i + 1) % ids.Count], Is.True);
        }

        Assert.That(new HashSet<TransactionId>(ids.Concat(copies)), Has.Count.EqualTo(ids.Count));
        Assert.That(ids.Order().Select(id => id.ToString()), Is.Ordered.Using<string>(StringComparer.Ordinal));
    }
}
