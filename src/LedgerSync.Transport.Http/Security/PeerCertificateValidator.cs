using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LedgerSync.Transport.Http;

/// <summary>
/// Decides whether a peer's certificate is trusted (pinned by SHA-256 thumbprint, or chaining to a configured root
/// with <see cref="X509ChainTrustMode.CustomRootTrust"/>) and reads the party it authenticates.
/// </summary>
internal sealed class PeerCertificateValidator
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    private readonly X509Certificate2Collection _roots;
    private readonly HashSet<string> _pinned;
    private readonly X509RevocationMode _revocationMode;
    private readonly TimeProvider _timeProvider;

    public PeerCertificateValidator(IEnumerable<X509Certificate2> roots, IEnumerable<string> pinnedThumbprints, X509RevocationMode revocationMode, TimeProvider timeProvider)
    {
        _roots = [.. roots];
        _pinned = new HashSet<string>(pinnedThumbprints.Select(NormalizeThumbprint), StringComparer.Ordinal);
        _revocationMode = revocationMode;
        _timeProvider = timeProvider;
    }

    /// <summary>Upper-case hex without separators.</summary>
    public static string NormalizeThumbprint(string thumbprint) =>
        thumbprint.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    public static string Sha256Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>Whether <paramref name="certificate"/> has no Extended Key Usage, or one that includes <paramref name="usage"/>.</summary>
    public static bool AllowsUsage(X509Certificate2 certificate, Oid usage)
    {
        var found = false;
        foreach (var extension in certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>())
        {
            found = true;
            foreach (var oid in extension.EnhancedKeyUsages)
            {
                if (oid.Value == usage.Value)
                {
                    return true;
                }
            }
        }

        return !found;
    }

    /// <summary>Validates <paramref name="certificate"/> presented by a TLS client (<paramref name="asServer"/> false) or server.</summary>
    public bool TryValidate(
        X509Certificate2 certificate,
        X509Chain? presentedChain,
        bool asServer,
        [NotNullWhen(true)] out PartyName? party,
        [NotNullWhen(false)] out string? reason)
    {
        party = null;
        if (!CertificatePartyNames.TryGetPartyName(certificate.SubjectName, out var subject, out reason))
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            reason = $"the certificate of {subject} (SHA-256 {Sha256Thumbprint(certificate)}) is outside its validity period {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}.";
            return false;
        }

        var usage = asServer ? ServerAuthentication : ClientAuthentication;
        if (!AllowsUsage(certificate, usage))
        {
            reason = $"the certificate of {subject} (SHA-256 {Sha256Thumbprint(certificate)}) has an Extended Key Usage that does not allow {usage.FriendlyName?.ToLowerInvariant()} ({usage.Value}).";
            return false;
        }

        if (_pinned.Contains(Sha256Thumbprint(certificate)))
        {
            party = subject;
            return true;
        }

        if (_roots.Count == 0)
        {
            reason = $"the certificate of {subject} (SHA-256 {Sha256Thumbprint(certificate)}) is not among the pinned certificates and no trusted root is configured.";
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = _revocationMode;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(asServer ? ServerAuthentication : ClientAuthentication);
        if (presentedChain is not null)
        {
            // The peer's intermediates: what the TLS layer received (its extra store) and what it already chained.
            foreach (var extra in presentedChain.ChainPolicy.ExtraStore.Concat(presentedChain.ChainElements.Select(e => e.Certificate)))
            {
                if (!extra.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(extra);
                }
            }
        }

        if (!chain.Build(certificate))
        {
            var problems = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
            const X509ChainStatusFlags Unknown = X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;
            var described = $"the certificate of {subject} (SHA-256 {Sha256Thumbprint(certificate)}, issuer '{certificate.Issuer}')";
            reason = (flags & X509ChainStatusFlags.Revoked) != 0
                ? $"{described} is revoked."
                : (flags & Unknown) != 0 && (flags & ~Unknown) == X509ChainStatusFlags.NoError
                    ? $"the revocation status of {described} could not be checked (LedgerSync:Http:RevocationMode = {_revocationMode}): {problems}."
                    : $"{described} does not chain to a trusted root: {(problems.Length > 0 ? problems : "untrusted")}.";
            return false;
        }

        party = subject;
        return true;
    }
}
