namespace LedgerSync;

/// <summary>
/// The counterparty could not be reached: the connection was refused, reset or timed out, the host is unreachable, or
/// the transport knows no address for the party. Transports throw it (or a subclass) for such failures; the scheduler
/// retries the run with the same back-off as a busy peer until
/// <see cref="LedgerSyncOptions.MaxReconciliationRetryAttemptTimeout"/>. Scheduling a party that the transport says it
/// can never reach (<see cref="Transport.IPeerTransport.CanReach"/>) is refused at once with this exception.
/// </summary>
public class PeerUnreachableException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public PeerUnreachableException()
        : base("The counterparty could not be reached.")
    {
    }

    /// <summary>Creates the exception with a message naming the party and what failed.</summary>
    public PeerUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the transport's underlying error.</summary>
    public PeerUnreachableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="party"/>.</summary>
    public PeerUnreachableException(PartyName party, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Party = party;
    }

    /// <summary>The party that could not be reached, when known.</summary>
    public PartyName? Party { get; }

    /// <summary>Always <see langword="true"/>: a peer that is down or restarting is usually back soon.</summary>
    public override bool IsTransient => true;
}
