namespace LedgerSync.Transport.Http;

/// <summary>Constants of the HTTP session protocol shared by the client and the endpoint.</summary>
internal static class SessionProtocol
{
    /// <summary>The media type of a session body: length-prefixed frames.</summary>
    public const string ContentType = "application/vnd.ledgersync.frames";
}
