namespace LedgerSync.Transport.Http;

/// <summary>
/// The connection to a peer could not be opened or broke during a session (refused, reset, aborted by the peer,
/// no address configured). The run fails; the scheduler may run it again later.
/// </summary>
public sealed class PeerConnectionException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public PeerConnectionException(PartyName party, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Party = party;
    }

    /// <summary>The counterparty of the session.</summary>
    public PartyName Party { get; }
}
