using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace LedgerSync.Transport.Http;

/// <summary>A parsed listen address: <c>https://</c>, an IP address (or <c>*</c>, <c>0.0.0.0</c>, <c>localhost</c>) and a port (0 = any free port).</summary>
internal static class ListenUrl
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out IPEndPoint? endPoint, [NotNullWhen(false)] out string? error)
    {
        endPoint = null;
        var candidate = text?.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || !string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' is not an https:// listen address such as https://0.0.0.0:7443.";
            return false;
        }

        if (uri.AbsolutePath != "/" || uri.Port < 0)
        {
            error = $"'{text}' must be scheme, host and port only (the endpoint path is configured by Path).";
            return false;
        }

        IPAddress? address;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out address))
        {
            error = $"'{text}' must name an IP address (or localhost, or * for every interface), not the host name '{uri.Host}'.";
            return false;
        }

        endPoint = new IPEndPoint(address, uri.Port);
        error = null;
        return true;
    }
}
