namespace LedgerSync.Transport;

/// <summary>
/// Sees each message handed to an <see cref="InMemoryNetwork"/> (on the sender's thread, once per message, before it
/// is queued) and decides its fate. Installed by the LedgerSync.Testing package; a network without a tap delivers
/// everything.
/// </summary>
/// <param name="from">The sending node.</param>
/// <param name="to">The receiving node.</param>
/// <param name="sessionId">The session, unique within the network.</param>
/// <param name="sequence">The 0-based position of the message among those the sender sent on this session.</param>
/// <param name="payload">A private copy of the message bytes; the tap may keep it but must not change it.</param>
internal delegate InMemoryDelivery InMemorySendTap(PartyName from, PartyName to, long sessionId, int sequence, byte[] payload);
