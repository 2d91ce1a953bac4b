namespace LedgerSync.Protocol;

/// <summary>What one served request cost the responder (for benchmarks and the wire report).</summary>
/// <param name="Party">The requester.</param>
/// <param name="SymbolsSent">Coded symbols sent.</param>
/// <param name="Exchanges">Exchanges served.</param>
/// <param name="BytesSent">Bytes sent, headers included.</param>
/// <param name="BytesReceived">Bytes received, headers included.</param>
/// <param name="BusyTime">Time spent working (preparing the encoder, encoding and sending symbols, reading messages), not waiting.</param>
internal sealed record ResponderRunStats(PartyName Party, long SymbolsSent, int Exchanges, long BytesSent, long BytesReceived, TimeSpan BusyTime);
