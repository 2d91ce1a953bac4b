using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace LedgerSync.Tests.Support;

/// <summary>
/// A hand-driven HTTP/2 client for attacks on the endpoint: chosen certificate, chosen headers, chosen body bytes.
/// One instance is one connection pool (one connection unless the server's stream limit forces more).
/// </summary>
internal sealed class RawSessionClient : IDisposable
{
    private readonly HttpClient _http;

    public RawSessionClient(X509Certificate2? certificate, bool multipleConnections = false)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = multipleConnections,
            SslOptions =
            {
                ClientCertificates = certificate is null ? null : [certificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
                RemoteCertificateValidationCallback = (_, server, _, _) => server is not null && server.Subject.Contains("PartyB", StringComparison.Ordinal),
            },
        })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public static byte[] Preamble => [(byte)'L', (byte)'S', (byte)'Y', 1];

    /// <summary>A whole frame: 4-byte big-endian length, then the payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(4));
        return frame;
    }

    /// <summary>Posts a session whose body <paramref name="writeBody"/> writes; returns when the response headers arrive.</summary>
    public async Task<HttpResponseMessage> PostAsync(
        Uri address, Func<Stream, CancellationToken, Task> writeBody, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new BodyContent(writeBody),
        };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private sealed class BodyContent(Func<Stream, CancellationToken, Task> write) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => write(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) => write(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
