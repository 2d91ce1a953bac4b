namespace LedgerSync;

/// <summary>
/// The counterparty speaks another version of the reconciliation protocol (it refused this node's hello, or answered
/// with a layout of another version). Upgrade one of the two nodes; retrying does not help.
/// </summary>
public sealed class UnsupportedProtocolVersionException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedProtocolVersionException(PartyName party, int peerVersion, int localVersion)
        : base($"{party} speaks reconciliation protocol version {peerVersion}; this node speaks version {localVersion}. Upgrade the older node.")
    {
        Party = party;
        PeerVersion = peerVersion;
        LocalVersion = localVersion;
    }

    /// <summary>The counterparty.</summary>
    public PartyName Party { get; }

    /// <summary>The version the counterparty speaks.</summary>
    public int PeerVersion { get; }

    /// <summary>The version this node speaks.</summary>
    public int LocalVersion { get; }
}
