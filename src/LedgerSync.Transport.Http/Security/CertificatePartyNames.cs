using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace LedgerSync.Transport.Http;

/// <summary>
/// Maps a certificate's subject to a <see cref="PartyName"/>. Each relative distinguished name of the subject must be a
/// single attribute among <c>CN</c> (2.5.4.3), <c>OU</c> (2.5.4.11), <c>O</c> (2.5.4.10), <c>L</c> (2.5.4.7),
/// <c>ST</c> (2.5.4.8) and <c>C</c> (2.5.4.6), each at most once, with <c>O</c>, <c>L</c> and <c>C</c> present; the
/// values become the party name's attributes (their order in the certificate does not matter). Any other attribute
/// (an e-mail address, a serial number, a multi-valued RDN) makes the certificate unusable as a party identity.
/// </summary>
public static class CertificatePartyNames
{
    /// <summary>Reads the party name from <paramref name="certificate"/>'s subject.</summary>
    /// <exception cref="FormatException">The subject is not a valid party name; the message says why.</exception>
    public static PartyName GetPartyName(this X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return TryGetPartyName(certificate.SubjectName, out var party, out var error) ? party : throw new FormatException(error);
    }

    /// <summary>Builds the X.500 subject for <paramref name="party"/>, for creating its certificate.</summary>
    public static X500DistinguishedName ToDistinguishedName(this PartyName party)
    {
        ArgumentNullException.ThrowIfNull(party);
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCountryOrRegion(party.Country);
        if (party.State is not null)
        {
            builder.AddStateOrProvinceName(party.State);
        }

        builder.AddLocalityName(party.Locality);
        builder.AddOrganizationName(party.Organisation);
        if (party.OrganisationUnit is not null)
        {
            builder.AddOrganizationalUnitName(party.OrganisationUnit);
        }

        if (party.CommonName is not null)
        {
            builder.AddCommonName(party.CommonName);
        }

        return builder.Build();
    }

    /// <summary>Tries to read a party name from an X.500 subject, returning why not when it fails.</summary>
    public static bool TryGetPartyName(X500DistinguishedName subject, [NotNullWhen(true)] out PartyName? party, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(subject);
        party = null;
        string? commonName = null, organisationUnit = null, organisation = null, locality = null, state = null, country = null;
        var printed = subject.Name;
        try
        {
            foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
            {
                if (rdn.HasMultipleElements)
                {
                    error = $"The certificate subject '{printed}' has a multi-valued attribute; a party name needs one value per attribute.";
                    return false;
                }

                var oid = rdn.GetSingleElementType().Value;
                var value = rdn.GetSingleElementValue();
                if (value is null)
                {
                    error = $"The certificate subject '{printed}' has an attribute ({oid}) whose value is not a string.";
                    return false;
                }

                ref var slot = ref commonName;
                string key;
                switch (oid)
                {
                    case "2.5.4.3": key = "CN"; slot = ref commonName; break;
                    case "2.5.4.11": key = "OU"; slot = ref organisationUnit; break;
                    case "2.5.4.10": key = "O"; slot = ref organisation; break;
                    case "2.5.4.7": key = "L"; slot = ref locality; break;
                    case "2.5.4.8": key = "ST"; slot = ref state; break;
                    case "2.5.4.6": key = "C"; slot = ref country; break;
                    default:
                        error = $"The certificate subject '{printed}' has the attribute {oid}, which a party name does not allow (allowed: CN, OU, O, L, ST, C).";
                        return false;
                }

                if (slot is not null)
                {
                    error = $"The certificate subject '{printed}' has the attribute '{key}' more than once.";
                    return false;
                }

                slot = value;
            }
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            error = $"The certificate subject '{printed}' cannot be decoded: {e.Message}";
            return false;
        }

        if (organisation is null || locality is null || country is null)
        {
            error = $"The certificate subject '{printed}' is not a party name: O, L and C are required.";
            return false;
        }

        try
        {
            party = PartyName.Create(organisation, locality, country, commonName, organisationUnit, state);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            error = $"The certificate subject '{printed}' is not a valid party name: {e.Message}";
            return false;
        }
    }
}
