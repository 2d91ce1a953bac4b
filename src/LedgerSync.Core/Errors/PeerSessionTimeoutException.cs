namespace LedgerSync;

/// <summary>Nothing arrived from the counterparty within the session timeout.</summary>
public sealed class PeerSessionTimeoutException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public PeerSessionTimeoutException(PartyName party, string waitingFor, TimeSpan timeout)
        : base($"No message from {party} for {timeout} while waiting for {waitingFor}; the session timed out.")
    {
        Party = party;
        WaitingFor = waitingFor;
        Timeout = timeout;
    }

    /// <summary>The silent counterparty.</summary>
    public PartyName Party { get; }

    /// <summary>What this node was waiting for.</summary>
    public string WaitingFor { get; }

    /// <summary>The session timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
