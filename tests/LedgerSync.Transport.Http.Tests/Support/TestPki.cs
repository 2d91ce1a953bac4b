using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LedgerSync.Transport.Http;

namespace LedgerSync.Tests.Support;

/// <summary>
/// A certificate authority made at run time for tests, issuing leaf certificates whose subject is a party name.
/// Nothing is written to disk; no private key is committed.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey;

    public TestPki(string name = "LedgerSync Test CA")
        : this(name, null)
    {
    }

    private TestPki(string name, TestPki? issuer)
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=LedgerSync Tests, C=GB", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, issuer is null, issuer is null ? 1 : 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        if (issuer is null)
        {
            Root = request.CreateSelfSigned(now.AddDays(-30), now.AddYears(1));
            return;
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Root, true, false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(issuer.Root.SubjectName, X509SignatureGenerator.CreateForECDsa(issuer._caKey), now.AddDays(-20), now.AddMonths(6), serial);
        Root = X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    /// <summary>An intermediate CA signed by this one (its <see cref="Root"/> is the intermediate's certificate, without key).</summary>
    public TestPki CreateIntermediate(string name = "LedgerSync Test Intermediate CA") => new(name, this);

    /// <summary>Issues a certificate for <paramref name="party"/> with only the given Extended Key Usages.</summary>
    public static X509Certificate2 SelfSigned(PartyName party, params string[] extendedKeyUsages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(party.ToDistinguishedName(), key, HashAlgorithmName.SHA256);
        if (extendedKeyUsages.Length > 0)
        {
            var usages = new OidCollection();
            foreach (var usage in extendedKeyUsages)
            {
                usages.Add(new Oid(usage));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>The CA certificate (public part used as the trusted root).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>Issues a certificate for <paramref name="party"/> (client and server authentication).</summary>
    public X509Certificate2 Issue(PartyName party, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue(party.ToDistinguishedName(), notBefore, notAfter);

    /// <summary>Issues a certificate for an arbitrary subject.</summary>
    public X509Certificate2 Issue(X500DistinguishedName subject, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var sanBuilder = new SubjectAlternativeNameBuilder();
        sanBuilder.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(sanBuilder.Build());
        var now = DateTimeOffset.UtcNow;
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        using var issued = request.Create(Root.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), notBefore ?? now.AddDays(-1), notAfter ?? now.AddDays(30), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // Kestrel on Linux wants a certificate whose key can be exported and re-imported; a PFX round trip gives that.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    public void Dispose()
    {
        Root.Dispose();
        _caKey.Dispose();
    }
}
