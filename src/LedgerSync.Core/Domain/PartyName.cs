using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace LedgerSync;

/// <summary>
/// An X.500 legal name such as <c>O=PartyA, L=London, C=GB</c>. Attribute order and the spaces around
/// separators do not change identity: <c>C=GB,L=London,O=PartyA</c> is the same party. <c>O</c>, <c>L</c> and
/// <c>C</c> are required; <c>CN</c>, <c>OU</c> and <c>ST</c> are optional; any other or repeated attribute is
/// rejected.
/// </summary>
public sealed class PartyName : IEquatable<PartyName>, IComparable<PartyName>, ISpanParsable<PartyName>
{
    // Canonical attribute order of the printed form.
    private static readonly string[] Order = ["CN", "OU", "O", "L", "ST", "C"];

    private const int MaxLength = 1024;

    private readonly string _canonical;

    private PartyName(string? commonName, string? organisationUnit, string organisation, string locality, string? state, string country)
    {
        CommonName = commonName;
        OrganisationUnit = organisationUnit;
        Organisation = organisation;
        Locality = locality;
        State = state;
        Country = country;

        var builder = new StringBuilder();
        Append(builder, "CN", commonName);
        Append(builder, "OU", organisationUnit);
        Append(builder, "O", organisation);
        Append(builder, "L", locality);
        Append(builder, "ST", state);
        Append(builder, "C", country);
        _canonical = builder.ToString();

        static void Append(StringBuilder builder, string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            builder.Append(key).Append('=').Append(value);
        }
    }

    /// <summary>The common name (<c>CN</c>), if any.</summary>
    public string? CommonName { get; }

    /// <summary>The organisation unit (<c>OU</c>), if any.</summary>
    public string? OrganisationUnit { get; }

    /// <summary>The organisation (<c>O</c>).</summary>
    public string Organisation { get; }

    /// <summary>The locality (<c>L</c>).</summary>
    public string Locality { get; }

    /// <summary>The state or province (<c>ST</c>), if any.</summary>
    public string? State { get; }

    /// <summary>The two-letter ISO 3166 country code (<c>C</c>).</summary>
    public string Country { get; }

    /// <summary>Creates a party name from its attributes.</summary>
    /// <exception cref="FormatException">An attribute value is not allowed.</exception>
    public static PartyName Create(string organisation, string locality, string country, string? commonName = null, string? organisationUnit = null, string? state = null)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        ArgumentNullException.ThrowIfNull(locality);
        ArgumentNullException.ThrowIfNull(country);
        var description = $"O={organisation}, L={locality}, C={country}";
        return Validate(description, commonName, organisationUnit, organisation, locality, state, country);
    }

    /// <summary>Parses an X.500 name.</summary>
    /// <exception cref="FormatException">The name is malformed; the message quotes it and says what is wrong.</exception>
    public static PartyName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var name, out var error) ? name : throw new FormatException(error);
    }

    /// <summary>Parses an X.500 name.</summary>
    /// <exception cref="FormatException">The name is malformed; the message quotes it and says what is wrong.</exception>
    public static PartyName Parse(ReadOnlySpan<char> text) => Parse(text.ToString());

    /// <summary>Tries to parse an X.500 name.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PartyName? name) => TryParse(text, out name, out _);

    /// <summary>Tries to parse an X.500 name, returning a description of the problem when it fails.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PartyName? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        if (text is null)
        {
            error = "A party name is required; got null.";
            return false;
        }

        var quoted = Quote(text);
        if (text.Length > MaxLength)
        {
            error = $"{quoted} is not a valid X.500 name: it is longer than {MaxLength} characters.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"{quoted} is not a valid X.500 name: it is empty.";
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                error = $"{quoted} is not a valid X.500 name: '{part.Trim()}' is not of the form KEY=VALUE.";
                return false;
            }

            var key = part[..equals].Trim().ToUpperInvariant();
            var value = part[(equals + 1)..].Trim();
            if (Array.IndexOf(Order, key) < 0)
            {
                error = $"{quoted} is not a valid X.500 name: unknown attribute '{part[..equals].Trim()}' (allowed: CN, OU, O, L, ST, C).";
                return false;
            }

            if (!values.TryAdd(key, value))
            {
                error = $"{quoted} is not a valid X.500 name: attribute '{key}' appears more than once.";
                return false;
            }
        }

        foreach (var required in (string[])["O", "L", "C"])
        {
            if (!values.ContainsKey(required))
            {
                error = $"{quoted} is not a valid X.500 name: the '{required}' attribute is required (O, L and C are required).";
                return false;
            }
        }

        try
        {
            name = Validate(
                text,
                values.GetValueOrDefault("CN"),
                values.GetValueOrDefault("OU"),
                values["O"],
                values["L"],
                values.GetValueOrDefault("ST"),
                values["C"]);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    static PartyName IParsable<PartyName>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<PartyName>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out PartyName result) =>
        TryParse(s, out result);

    static PartyName ISpanParsable<PartyName>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<PartyName>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, [MaybeNullWhen(false)] out PartyName result) =>
        TryParse(s.ToString(), out result);

    private static PartyName Validate(string text, string? commonName, string? organisationUnit, string organisation, string locality, string? state, string country)
    {
        var quoted = Quote(text);
        CheckValue(quoted, "O", organisation, 2, 128);
        CheckValue(quoted, "L", locality, 2, 64);
        if (country.Length != 2 || !char.IsAsciiLetterUpper(country[0]) || !char.IsAsciiLetterUpper(country[1]))
        {
            throw new FormatException($"{quoted} is not a valid X.500 name: 'C' must be a two-letter upper-case ISO 3166 country code, got '{country}'.");
        }

        if (commonName is not null)
        {
            CheckValue(quoted, "CN", commonName, 1, 64);
        }

        if (organisationUnit is not null)
        {
            CheckValue(quoted, "OU", organisationUnit, 1, 64);
        }

        if (state is not null)
        {
            CheckValue(quoted, "ST", state, 1, 64);
        }

        return new PartyName(commonName, organisationUnit, organisation, locality, state, country);
    }

    private static void CheckValue(string quoted, string key, string value, int minLength, int maxLength)
    {
        if (value.Length < minLength || value.Length > maxLength)
        {
            throw new FormatException(
                $"{quoted} is not a valid X.500 name: '{key}' must be {minLength} to {maxLength} characters long, got {value.Length}.");
        }

        if (value.Length != value.Trim().Length)
        {
            throw new FormatException($"{quoted} is not a valid X.500 name: '{key}' must not start or end with white space.");
        }

        foreach (var c in value)
        {
            if (c is ',' or '=' or '$' or '"' or '\'' or '\\' or '+' or ';' or '<' or '>' or '#' || char.IsControl(c))
            {
                throw new FormatException(
                    $"{quoted} is not a valid X.500 name: '{key}' contains the character '{(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString())}', which is not allowed.");
            }
        }
    }

    private static string Quote(string text) => text.Length > 200 ? $"'{text[..200]}...'" : $"'{text}'";

    /// <summary>The canonical form: <c>CN, OU, O, L, ST, C</c> in that order, separated by <c>", "</c>.</summary>
    public override string ToString() => _canonical;

    /// <inheritdoc />
    public bool Equals([NotNullWhen(true)] PartyName? other) => other is not null && string.Equals(_canonical, other._canonical, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is PartyName other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_canonical);

    /// <summary>Orders by the canonical form.</summary>
    public int CompareTo(PartyName? other) => other is null ? 1 : string.CompareOrdinal(_canonical, other._canonical);

    /// <summary>Equality by identity (canonical form).</summary>
    public static bool operator ==(PartyName? left, PartyName? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality by identity (canonical form).</summary>
    public static bool operator !=(PartyName? left, PartyName? right) => !(left == right);

    /// <summary>Ordering by canonical form.</summary>
    public static bool operator <(PartyName? left, PartyName? right) => left is null ? right is not null : left.CompareTo(right) < 0;

    /// <summary>Ordering by canonical form.</summary>
    public static bool operator >(PartyName? left, PartyName? right) => left is not null && left.CompareTo(right) > 0;

    /// <summary>Ordering by canonical form.</summary>
    public static bool operator <=(PartyName? left, PartyName? right) => !(left > right);

    /// <summary>Ordering by canonical form.</summary>
    public static bool operator >=(PartyName? left, PartyName? right) => !(left < right);
}
