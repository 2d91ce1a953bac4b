namespace LedgerSync.Transport.Http;

/// <summary>Constants of the HTTP session protocol shared by the client and the endpoint.</summary>
internal static class SessionProtocol
{
    /// <summary>The media type of a session body: length-prefixed frames.</summary>
    public const string ContentType = "application/vnd.ledgersync.frames";

    /// <summary>
    /// The first bytes of each body: "LSY" and the framing version (1). Writing them at once also makes HttpClient send
    /// the request headers immediately (it otherwise holds them back until the first body bytes).
    /// </summary>
    public static ReadOnlySpan<byte> Preamble => [(byte)'L', (byte)'S', (byte)'Y', 1];
}
