namespace LedgerSync.Transport.Http;

/// <summary>
/// The connection to a peer could not be opened or broke during a session (refused, reset, unreachable, aborted by the
/// peer, no address configured). It is a <see cref="PeerUnreachableException"/>: the scheduler retries a transient one
/// (<see cref="IsTransient"/>) with back-off until <c>maxReconciliationRetryAttemptTimeout</c>.
/// </summary>
public sealed class PeerConnectionException : PeerUnreachableException
{
    private readonly bool _isTransient;

    /// <summary>Creates the exception for a transient failure (the connection may succeed when tried again).</summary>
    public PeerConnectionException(PartyName party, string message, Exception? innerException = null)
        : this(party, message, isTransient: true, innerException)
    {
    }

    internal PeerConnectionException(PartyName party, string message, bool isTransient, Exception? innerException)
        : base(party, message, innerException)
    {
        Party = party;
        _isTransient = isTransient;
    }

    /// <summary>The counterparty of the session.</summary>
    public new PartyName Party { get; }

    /// <summary>
    /// <see langword="true"/> when trying again may succeed (refused, reset, unreachable, timed out); <see langword="false"/>
    /// when only a configuration change helps (no address configured for the party).
    /// </summary>
    public override bool IsTransient => _isTransient;
}
