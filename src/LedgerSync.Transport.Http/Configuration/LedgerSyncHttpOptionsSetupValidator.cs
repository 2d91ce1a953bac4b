using System.Globalization;
using Microsoft.Extensions.Options;

namespace LedgerSync.Transport.Http;

/// <summary>
/// Checks what the annotations cannot: the certificate loads, has a private key and names this node; some trust is
/// configured; the peer directory and listen addresses parse. Reports every failure at once.
/// </summary>
internal sealed class LedgerSyncHttpOptionsSetupValidator(IOptions<LedgerSyncOptions> coreOptions) : IValidateOptions<LedgerSyncHttpOptions>
{
    private const string Prefix = "LedgerSync:Http:";

    public ValidateOptionsResult Validate(string? name, LedgerSyncHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        try
        {
            var certificate = HttpTransportSecurity.LoadCertificate(options);
            if (!certificate.HasPrivateKey)
            {
                failures.Add($"{Prefix}Certificate: the certificate '{certificate.Subject}' has no private key; this node cannot authenticate with it.");
            }

            if (!CertificatePartyNames.TryGetPartyName(certificate.SubjectName, out var party, out var error))
            {
                failures.Add($"{Prefix}Certificate: {error}");
            }
            else if (coreOptions.Value.LocalParty is { } local && local != party)
            {
                failures.Add($"{Prefix}Certificate: the certificate's subject '{party}' is not this node's party '{local}' (LedgerSync:LocalParty).");
            }
        }
        catch (LedgerSyncConfigurationException e)
        {
            failures.Add(e.Message);
        }

        try
        {
            if (HttpTransportSecurity.LoadRoots(options).Count == 0 && options.TrustedCertificateThumbprints.Count == 0)
            {
                failures.Add($"{Prefix}TrustedRootCertificates / TrustedCertificateThumbprints: no peer can be trusted; configure at least one trusted root or pinned thumbprint.");
            }
        }
        catch (LedgerSyncConfigurationException e)
        {
            failures.Add(e.Message);
        }

        for (var i = 0; i < options.TrustedCertificateThumbprints.Count; i++)
        {
            var thumbprint = PeerCertificateValidator.NormalizeThumbprint(options.TrustedCertificateThumbprints[i] ?? string.Empty);
            if (thumbprint.Length != 64 || !thumbprint.All(char.IsAsciiHexDigit))
            {
                failures.Add($"{Prefix}TrustedCertificateThumbprints:{i} = '{options.TrustedCertificateThumbprints[i]}' is not a SHA-256 thumbprint (64 hex digits).");
            }
        }

        if (options.ClientIdentity == LedgerSyncClientIdentity.TrustedProxy && options.TrustedProxyCertificateThumbprints.Count == 0)
        {
            failures.Add($"{Prefix}TrustedProxyCertificateThumbprints: ClientIdentity = TrustedProxy needs the SHA-256 thumbprint of at least one proxy certificate.");
        }

        for (var i = 0; i < options.TrustedProxyCertificateThumbprints.Count; i++)
        {
            var thumbprint = PeerCertificateValidator.NormalizeThumbprint(options.TrustedProxyCertificateThumbprints[i] ?? string.Empty);
            if (thumbprint.Length != 64 || !thumbprint.All(char.IsAsciiHexDigit))
            {
                failures.Add($"{Prefix}TrustedProxyCertificateThumbprints:{i} = '{options.TrustedProxyCertificateThumbprints[i]}' is not a SHA-256 thumbprint (64 hex digits).");
            }
        }

        if (!Enum.IsDefined(options.ClientIdentity))
        {
            failures.Add($"{Prefix}ClientIdentity = '{options.ClientIdentity}' is not TlsHandshake or TrustedProxy.");
        }

        var seen = new HashSet<PartyName>();
        for (var i = 0; i < options.Peers.Count; i++)
        {
            var peer = options.Peers[i];
            if (!PartyName.TryParse(peer.Party, out var party, out var error))
            {
                failures.Add($"{Prefix}Peers:{i}:Party: {error}");
            }
            else if (!seen.Add(party))
            {
                failures.Add($"{Prefix}Peers:{i}:Party = '{peer.Party}' appears more than once in the peer directory.");
            }

            if (peer.Address is not { IsAbsoluteUri: true } address || !string.Equals(address.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{Prefix}Peers:{i}:Address = '{peer.Address}' must be an absolute https:// address.");
            }
        }

        for (var i = 0; i < options.ListenUrls.Count; i++)
        {
            if (!ListenUrl.TryParse(options.ListenUrls[i], out _, out var error))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}ListenUrls:{i}: {error}"));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
