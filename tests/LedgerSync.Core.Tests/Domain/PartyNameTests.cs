namespace LedgerSync.Tests.Domain;

public sealed class PartyNameTests
{
    [TestCase("O=PartyA, L=London, C=GB", "O=PartyA, L=London, C=GB")]
    [TestCase("C=GB, L=London, O=PartyA", "O=PartyA, L=London, C=GB")]
    [TestCase("L=London,O=PartyA,C=GB", "O=PartyA, L=London, C=GB")]
    [TestCase("  O = PartyA ,   L= London,C =GB  ", "O=PartyA, L=London, C=GB")]
    [TestCase("o=PartyA, l=London, c=GB", "O=PartyA, L=London, C=GB")]
    [TestCase("ST=Ontario, C=CA, O=PartyB, L=Ottawa, OU=Treasury, CN=Node 1", "CN=Node 1, OU=Treasury, O=PartyB, L=Ottawa, ST=Ontario, C=CA")]
    [TestCase("O=Bank of Zürich AG, L=Zürich, C=CH", "O=Bank of Zürich AG, L=Zürich, C=CH")]
    public void Parse_ValidName_NormalizesToCanonicalForm(string text, string canonical)
    {
        var name = PartyName.Parse(text);

        Assert.That(name.ToString(), Is.EqualTo(canonical));
        Assert.That(PartyName.Parse(name.ToString()), Is.EqualTo(name));
    }

    [Test]
    public void Parse_DifferentOrderAndSpacing_SameIdentity()
    {
        var a = PartyName.Parse("O=PartyA, L=London, C=GB");
        var b = PartyName.Parse("C=GB,L=London,   O=PartyA");

        Assert.That(b, Is.EqualTo(a));
        Assert.That(b == a, Is.True);
        Assert.That(b != a, Is.False);
        Assert.That(b.GetHashCode(), Is.EqualTo(a.GetHashCode()));
        Assert.That(b.CompareTo(a), Is.Zero);
        Assert.That(new HashSet<PartyName> { a, b }, Has.Count.EqualTo(1));
    }

    [TestCase("O=PartyA, L=London, C=GB", "O=PartyB, L=London, C=GB")]
    [TestCase("O=PartyA, L=London, C=GB", "O=PartyA, L=Leeds, C=GB")]
    [TestCase("O=PartyA, L=London, C=GB", "O=PartyA, L=London, C=US")]
    [TestCase("O=PartyA, L=London, C=GB", "O=partya, L=London, C=GB")]
    [TestCase("O=PartyA, L=London, C=GB", "CN=Node, O=PartyA, L=London, C=GB")]
    [TestCase("O=PartyA, L=London, C=GB", "O=Party A, L=London, C=GB")]
    public void Equals_DifferentAttributes_NotEqual(string left, string right)
    {
        var a = PartyName.Parse(left);
        var b = PartyName.Parse(right);

        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(a == b, Is.False);
        Assert.That(a.CompareTo(b), Is.Not.Zero);
        Assert.That(Math.Sign(a.CompareTo(b)), Is.EqualTo(-Math.Sign(b.CompareTo(a))));
    }

    [Test]
    public void Parse_Attributes_AreExposed()
    {
        var name = PartyName.Parse("CN=Node 1, OU=Treasury, O=PartyB, L=Ottawa, ST=Ontario, C=CA");

        Assert.That(name.CommonName, Is.EqualTo("Node 1"));
        Assert.That(name.OrganisationUnit, Is.EqualTo("Treasury"));
        Assert.That(name.Organisation, Is.EqualTo("PartyB"));
        Assert.That(name.Locality, Is.EqualTo("Ottawa"));
        Assert.That(name.State, Is.EqualTo("Ontario"));
        Assert.That(name.Country, Is.EqualTo("CA"));
    }

    [TestCase("", "it is empty")]
    [TestCase("   ", "it is empty")]
    [TestCase("PartyA", "'PartyA' is not of the form KEY=VALUE")]
    [TestCase("L=London, C=GB", "the 'O' attribute is required")]
    [TestCase("O=PartyA, C=GB", "the 'L' attribute is required")]
    [TestCase("O=PartyA, L=London", "the 'C' attribute is required")]
    [TestCase("O=PartyA, L=London, C=GB, O=PartyB", "attribute 'O' appears more than once")]
    [TestCase("O=PartyA, L=London, C=GB, o=PartyA", "attribute 'O' appears more than once")]
    [TestCase("O=PartyA, L=London, C=GB, X=1", "unknown attribute 'X'")]
    [TestCase("O=PartyA, L=London, C=GB, DC=example", "unknown attribute 'DC'")]
    [TestCase("O=PartyA, L=London, C=GB, =x", "unknown attribute ''")]
    [TestCase("O=PartyA, L=London, C=GB,", "'' is not of the form KEY=VALUE")]
    [TestCase("O=PartyA; L=London; C=GB", "the 'L' attribute is required")]
    [TestCase("O=PartyA, L=London, C=gb", "'C' must be a two-letter upper-case ISO 3166 country code, got 'gb'")]
    [TestCase("O=PartyA, L=London, C=G", "'C' must be a two-letter upper-case ISO 3166 country code, got 'G'")]
    [TestCase("O=PartyA, L=London, C=GBR", "'C' must be a two-letter upper-case ISO 3166 country code, got 'GBR'")]
    [TestCase("O=PartyA, L=London, C=G1", "'C' must be a two-letter upper-case ISO 3166 country code")]
    [TestCase("O=PartyA, L=London, C=", "'C' must be a two-letter upper-case ISO 3166 country code")]
    [TestCase("O=A, L=London, C=GB", "'O' must be 2 to 128 characters long, got 1")]
    [TestCase("O=PartyA, L=L, C=GB", "'L' must be 2 to 64 characters long, got 1")]
    [TestCase("O=, L=London, C=GB", "'O' must be 2 to 128 characters long, got 0")]
    [TestCase("CN=, O=PartyA, L=London, C=GB", "'CN' must be 1 to 64 characters long, got 0")]
    [TestCase("O=Party=A, L=London, C=GB", "'O' contains the character '='")]
    [TestCase("O=Party\"A, L=London, C=GB", "'O' contains the character '\"'")]
    [TestCase("O=Party+A, L=London, C=GB", "'O' contains the character '+'")]
    [TestCase("O=Party\\A, L=London, C=GB", "'O' contains the character '\\'")]
    [TestCase("O=Party\tA, L=London, C=GB", "'O' contains the character '\\u0009'")]
    [TestCase("O=Party\0A, L=London, C=GB", "'O' contains the character '\\u0000'")]
    public void Parse_Malformed_ThrowsFormatExceptionQuotingInput(string text, string problem)
    {
        Assert.That(() => PartyName.Parse(text), Throws.TypeOf<FormatException>()
            .With.Message.StartsWith($"'{text}' is not a valid X.500 name: ")
            .And.Message.Contains(problem));
        Assert.That(PartyName.TryParse(text, out var name), Is.False);
        Assert.That(name, Is.Null);
    }

    [TestCase(128, true)]
    [TestCase(129, false)]
    public void Parse_OrganisationLength_LimitIs128(int length, bool valid)
    {
        var text = $"O={new string('a', length)}, L=London, C=GB";

        Assert.That(PartyName.TryParse(text, out _), Is.EqualTo(valid));
    }

    [TestCase("L", 64, true)]
    [TestCase("L", 65, false)]
    [TestCase("CN", 64, true)]
    [TestCase("CN", 65, false)]
    [TestCase("OU", 64, true)]
    [TestCase("OU", 65, false)]
    [TestCase("ST", 64, true)]
    [TestCase("ST", 65, false)]
    public void Parse_AttributeLength_LimitIs64(string key, int length, bool valid)
    {
        var text = key == "L"
            ? $"O=PartyA, L={new string('a', length)}, C=GB"
            : $"{key}={new string('a', length)}, O=PartyA, L=London, C=GB";

        Assert.That(PartyName.TryParse(text, out _), Is.EqualTo(valid));
    }

    [Test]
    public void Parse_VeryLongInput_RejectedAndQuoteShortened()
    {
        var text = "O=" + new string('a', 5000) + ", L=London, C=GB";

        Assert.That(PartyName.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Does.Contain("longer than 1024 characters").And.Length.LessThan(400));
    }

    [Test]
    public void TryParse_Null_ReturnsFalseWithError()
    {
        Assert.That(PartyName.TryParse(null, out var name, out var error), Is.False);
        Assert.That(name, Is.Null);
        Assert.That(error, Is.Not.Empty);
        Assert.That(() => PartyName.Parse((string)null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Create_Attributes_EqualsParsedName()
    {
        var created = PartyName.Create("PartyB", "Ottawa", "CA", commonName: "Node 1", state: "Ontario");

        Assert.That(created, Is.EqualTo(PartyName.Parse("C=CA, ST=Ontario, L=Ottawa, O=PartyB, CN=Node 1")));
        Assert.That(() => PartyName.Create("PartyB", "Ottawa", "Canada"), Throws.TypeOf<FormatException>().With.Message.Contains("'C' must be"));
    }

    [Test]
    public void ParseSpan_ValidName_EqualsStringParse()
    {
        Assert.That(PartyName.Parse("O=PartyA, L=London, C=GB".AsSpan()), Is.EqualTo(PartyName.Parse("O=PartyA, L=London, C=GB")));
    }

    [Test]
    public void Operators_NullHandling_AreConsistent()
    {
        var a = PartyName.Parse("O=PartyA, L=London, C=GB");
        PartyName? none = null;

        Assert.That(a == none, Is.False);
        Assert.That(none == null, Is.True);
        Assert.That(a.Equals(none), Is.False);
        Assert.That(a.CompareTo(none), Is.Positive);
        Assert.That(none < a, Is.True);
        Assert.That(a > none, Is.True);
        var same = PartyName.Parse("C=GB, L=London, O=PartyA");
        Assert.That(a >= same, Is.True);
        Assert.That(a <= same, Is.True);
    }

    [Test]
    public void RoundTrip_RandomNames_ParseOfToStringIsIdentity()
    {
        var random = new Random(11);
        string[] keys = ["CN", "OU", "O", "L", "ST", "C"];
        for (var i = 0; i < 500; i++)
        {
            var attributes = new List<string>
            {
                "O=Org" + random.Next(1000),
                "L=City" + random.Next(100),
                "C=" + (char)('A' + random.Next(26)) + (char)('A' + random.Next(26)),
            };
            foreach (var optional in keys.Where(k => k is "CN" or "OU" or "ST"))
            {
                if (random.Next(2) == 0)
                {
                    attributes.Add($"{optional}=V{random.Next(100)} x");
                }
            }

            var shuffled = attributes.OrderBy(_ => random.Next()).Select(a => random.Next(2) == 0 ? a : $"  {a.Replace("=", " = ", StringComparison.Ordinal)} ");
            var name = PartyName.Parse(string.Join(",", shuffled));

            Assert.That(PartyName.Parse(name.ToString()), Is.EqualTo(name));
            Assert.That(PartyName.Parse(name.ToString()).ToString(), Is.EqualTo(name.ToString()));
            Assert.That(name.ToString().Split(", ").Select(p => p[..p.IndexOf('=', StringComparison.Ordinal)]), Is.Ordered.Using<string>((x, y) => Array.IndexOf(keys, x).CompareTo(Array.IndexOf(keys, y))));
        }
    }
}
