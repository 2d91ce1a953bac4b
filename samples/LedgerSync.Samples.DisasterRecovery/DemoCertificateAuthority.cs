using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LedgerSync.Transport.Http;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>
/// A throw-away certificate authority made when the sample starts (the <c>http</c> transport): it issues each node a
/// certificate whose subject is the node's party name, valid for client and server authentication on the loopback
/// address. Both nodes trust only this CA, so the TLS handshake itself proves who is calling. Nothing is written to disk.
/// </summary>
internal sealed class DemoCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    public DemoCertificateAuthority()
    {
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=LedgerSync Disaster Recovery Sample CA, O=LedgerSync Samples, C=GB", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        Root = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
    }

    /// <summary>The CA's certificate, which every node trusts.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>Issues <paramref name="party"/>'s node certificate, with its private key.</summary>
    public X509Certificate2 Issue(PartyName party)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(party.ToDistinguishedName(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], false));
        var alternativeNames = new SubjectAlternativeNameBuilder();
        alternativeNames.AddIpAddress(IPAddress.Loopback);
        alternativeNames.AddDnsName("localhost");
        request.CertificateExtensions.Add(alternativeNames.Build());
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Root, now.AddMinutes(-5), now.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // A PKCS#12 round trip gives a key Kestrel can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        Root.Dispose();
        _key.Dispose();
    }
}
