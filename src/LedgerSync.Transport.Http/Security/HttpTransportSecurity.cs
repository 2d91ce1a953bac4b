using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace LedgerSync.Transport.Http;

/// <summary>This node's certificate and the trust decisions about peers, built once from <see cref="LedgerSyncHttpOptions"/>.</summary>
internal sealed class HttpTransportSecurity
{
    private readonly Lazy<(X509Certificate2 Certificate, PeerCertificateValidator Validator, SslStreamCertificateContext Context)> _state;

    public HttpTransportSecurity(IOptions<LedgerSyncHttpOptions> options, TimeProvider timeProvider)
    {
        _state = new(() => Build(options.Value, timeProvider), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>This node's certificate with its private key.</summary>
    public X509Certificate2 Certificate => _state.Value.Certificate;

    public PeerCertificateValidator Validator => _state.Value.Validator;

    /// <summary>This node's certificate with its intermediates, as sent in TLS handshakes (both directions).</summary>
    public SslStreamCertificateContext CertificateContext => _state.Value.Context;

    /// <summary>The intermediate CA certificates configured in code and found in the certificate files.</summary>
    public static List<X509Certificate2> LoadIntermediates(LedgerSyncHttpOptions options, X509Certificate2 leaf)
    {
        var intermediates = new List<X509Certificate2>(options.IntermediateCertificates);
        if (options.Certificate is not null || options.CertificatePath is null)
        {
            return intermediates;
        }

        try
        {
            var collection = new X509Certificate2Collection();
            if (options.CertificateKeyPath is not null)
            {
                collection.ImportFromPemFile(options.CertificatePath);
            }
            else
            {
                collection = X509CertificateLoader.LoadPkcs12CollectionFromFile(options.CertificatePath, options.CertificatePassword);
            }

            intermediates.AddRange(collection.Where(c => !c.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span) && !c.HasPrivateKey));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The leaf loaded; a file whose extra certificates cannot be read simply has none.
        }

        return intermediates;
    }

    /// <summary>Loads this node's certificate from the options (the instance, or the file paths).</summary>
    public static X509Certificate2 LoadCertificate(LedgerSyncHttpOptions options)
    {
        if (options.Certificate is not null)
        {
            return options.Certificate;
        }

        if (options.CertificatePath is null)
        {
            throw new LedgerSyncConfigurationException(
                "The HTTP transport needs this node's certificate: set LedgerSync:Http:CertificatePath (or the Certificate option in code).",
                "LedgerSync:Http:CertificatePath");
        }

        try
        {
            if (options.CertificateKeyPath is not null)
            {
                return options.CertificatePassword is null
                    ? X509Certificate2.CreateFromPemFile(options.CertificatePath, options.CertificateKeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(options.CertificatePath, options.CertificatePassword, options.CertificateKeyPath);
            }

            return X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new LedgerSyncConfigurationException(
                $"The certificate at LedgerSync:Http:CertificatePath = '{options.CertificatePath}' cannot be loaded: {e.Message}",
                "LedgerSync:Http:CertificatePath");
        }
    }

    /// <summary>Loads the trusted roots from the options (the instances and the files).</summary>
    public static List<X509Certificate2> LoadRoots(LedgerSyncHttpOptions options)
    {
        var roots = new List<X509Certificate2>(options.TrustedRootCertificates);
        foreach (var path in options.TrustedRootCertificatePaths)
        {
            try
            {
                var collection = new X509Certificate2Collection();
                var text = File.ReadAllText(path);
                if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                {
                    collection.ImportFromPem(text);
                }
                else
                {
                    collection.Add(X509CertificateLoader.LoadCertificateFromFile(path));
                }

                roots.AddRange(collection);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new LedgerSyncConfigurationException(
                    $"The trusted root certificate file LedgerSync:Http:TrustedRootCertificatePaths = '{path}' cannot be loaded: {e.Message}",
                    "LedgerSync:Http:TrustedRootCertificatePaths");
            }
        }

        return roots;
    }

    private static (X509Certificate2, PeerCertificateValidator, SslStreamCertificateContext) Build(LedgerSyncHttpOptions options, TimeProvider timeProvider)
    {
        var certificate = LoadCertificate(options);
        var validator = new PeerCertificateValidator(LoadRoots(options), options.TrustedCertificateThumbprints, options.RevocationMode, timeProvider);
        var context = SslStreamCertificateContext.Create(certificate, [.. LoadIntermediates(options, certificate)], offline: true);
        return (certificate, validator, context);
    }
}
