using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LedgerSync.Transport.Http;

namespace LedgerSync.Samples.Node;

/// <summary>
/// A development certificate authority shared by the sample nodes of one machine: created on first run in a directory
/// both nodes use (its private key never leaves that directory and is never committed), then used by each node to
/// issue itself a certificate whose subject is its party name. Each node trusts exactly this CA. For production, set
/// <c>LedgerSync:Http:CertificatePath</c> and <c>TrustedRootCertificatePaths</c> instead.
/// </summary>
internal sealed class DevCertificateAuthority : IDisposable
{
    private const string CertificateFileName = "ledgersync-dev-ca.pem";
    private const string KeyFileName = "ledgersync-dev-ca.key.pem";

    private DevCertificateAuthority(X509Certificate2 root, string directory)
    {
        Root = root;
        Directory = directory;
    }

    /// <summary>The CA certificate (with its private key).</summary>
    public X509Certificate2 Root { get; }

    public string Directory { get; }

    /// <summary>Loads the CA from <paramref name="directory"/>, creating it there first if it does not exist yet.</summary>
    public static DevCertificateAuthority LoadOrCreate(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);

        // Two nodes may start at once: one creates the CA while the other waits on the lock file.
        using (AcquireLock(Path.Combine(directory, "ledgersync-dev-ca.lock")))
        {
            if (!File.Exists(certificatePath) || !File.Exists(keyPath))
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var request = new CertificateRequest("CN=LedgerSync Development CA, O=LedgerSync Samples, C=GB", key, HashAlgorithmName.SHA256);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
                request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
                var now = DateTimeOffset.UtcNow;
                using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
                File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                File.WriteAllText(certificatePath, created.ExportCertificatePem());
            }
        }

        return new DevCertificateAuthority(X509Certificate2.CreateFromPemFile(certificatePath, keyPath), directory);
    }

    /// <summary>Issues this node's certificate (client and server authentication, valid on the loopback address and localhost).</summary>
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
        var notAfter = now.AddDays(30) < Root.NotAfter ? now.AddDays(30) : Root.NotAfter.ToUniversalTime();
        using var issued = request.Create(Root, now.AddMinutes(-5), notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // A PKCS#12 round trip gives a key Kestrel can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The CA's certificate without its private key, for the trusted roots.</summary>
    public X509Certificate2 PublicCertificate() => X509CertificateLoader.LoadCertificate(Root.RawData);

    public void Dispose() => Root.Dispose();

    private static FileStream AcquireLock(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(100);
            }
        }
    }
}
