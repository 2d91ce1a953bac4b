namespace LedgerSync.Transport;

/// <summary>One message crossing an <see cref="InMemoryNetwork"/>, as shown to its <see cref="InMemoryNetwork.Interceptor"/>.</summary>
/// <param name="From">The sending node.</param>
/// <param name="To">The receiving node.</param>
/// <param name="SessionId">The session the message belongs to (unique within the network).</param>
/// <param name="Sequence">The 0-based position of the message among those this sender sent on this session.</param>
/// <param name="Payload">The message bytes (a private copy; the interceptor may keep it).</param>
public sealed record InMemoryMessage(PartyName From, PartyName To, long SessionId, int Sequence, ReadOnlyMemory<byte> Payload);
