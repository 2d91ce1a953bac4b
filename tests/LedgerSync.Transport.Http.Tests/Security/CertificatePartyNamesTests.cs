using System.Security.Cryptography.X509Certificates;
using LedgerSync.Transport.Http;

namespace LedgerSync.Tests.Security;

[TestFixture]
public sealed class CertificatePartyNamesTests
{
    [TestCase("O=PartyA, L=London, C=GB", "O=PartyA, L=London, C=GB")]
    [TestCase("C=GB, L=London, O=PartyA", "O=PartyA, L=London, C=GB")]
    [TestCase("CN=Node 1, OU=Ops, O=PartyA, L=London, ST=Greater London, C=GB", "CN=Node 1, OU=Ops, O=PartyA, L=London, ST=Greater London, C=GB")]
    public void TryGetPartyName_SubjectWithPartyAttributes_MapsToCanonicalPartyName(string subject, string expected)
    {
        var ok = CertificatePartyNames.TryGetPartyName(new X500DistinguishedName(subject), out var party, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True, error);
            Assert.That(party, Is.EqualTo(PartyName.Parse(expected)));
        });
    }

    [TestCase("O=PartyA, L=London, C=GB, E=admin@example.com", "1.2.840.113549.1.9.1")]
    [TestCase("O=PartyA, C=GB", "O, L and C are required")]
    [TestCase("O=PartyA, O=PartyB, L=London, C=GB", "more than once")]
    [TestCase("SERIALNUMBER=1234, O=PartyA, L=London, C=GB", "2.5.4.5")]
    [TestCase("O=PartyA, L=London, C=gb", "not a valid party name")]
    public void TryGetPartyName_SubjectThatIsNoPartyName_FailsSayingWhy(string subject, string expectedError)
    {
        var ok = CertificatePartyNames.TryGetPartyName(new X500DistinguishedName(subject), out _, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(error, Does.Contain(expectedError));
        });
    }

    [Test]
    public void ToDistinguishedName_AnyParty_RoundTripsThroughTheCertificateMapping()
    {
        var party = PartyName.Parse("CN=Node, OU=Ops, O=PartyA, L=London, ST=England, C=GB");

        var ok = CertificatePartyNames.TryGetPartyName(party.ToDistinguishedName(), out var mapped, out _);

        Assert.That(ok && mapped == party, Is.True);
    }
}
