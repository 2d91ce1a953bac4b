using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LedgerSync.Transport.Http;

namespace LedgerSync.Benchmarks.Wire;

/// <summary>A throwaway CA made at run time and leaf certificates whose subjects are party names (nothing touches disk).</summary>
internal sealed class HttpScenarioCertificates : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public HttpScenarioCertificates()
    {
        var request = new CertificateRequest("CN=LedgerSync Benchmark CA, O=LedgerSync Benchmarks, C=GB", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        Root = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Issue(PartyName party)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(party.ToDistinguishedName(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Root, now.AddHours(-1), now.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    public void Dispose()
    {
        Root.Dispose();
        _caKey.Dispose();
    }
}
