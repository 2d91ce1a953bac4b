using LedgerSync.Transport;

namespace LedgerSync.Testing;

/// <summary>
/// One message crossing an <see cref="InMemoryNetwork"/>, as shown to an interceptor
/// (<see cref="InMemoryNetworkTestingExtensions.SetInterceptor"/>) and to observers
/// (<see cref="InMemoryNetworkTestingExtensions.ObserveMessages"/>).
/// </summary>
/// <param name="From">The sending node.</param>
/// <param name="To">The receiving node.</param>
/// <param name="SessionId">The session the message belongs to (unique within the network).</param>
/// <param name="Sequence">The 0-based position of the message among those this sender sent on this session.</param>
/// <param name="Payload">The message bytes (a private copy of what the sender passed; it may be kept, not changed).</param>
public sealed record InMemoryMessage(PartyName From, PartyName To, long SessionId, int Sequence, ReadOnlyMemory<byte> Payload);
