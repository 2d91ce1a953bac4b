namespace LedgerSync.Protocol;

/// <summary>What one served request cost the responder (for benchmarks and the wire report).</summary>
/// <param name="Party">The requester.</param>
/// <param name="SymbolsReceived">Coded symbols received from the requester (and decoded).</param>
/// <param name="Exchanges">Rounds of symbols served.</param>
/// <param name="BytesSent">Bytes sent, headers included.</param>
/// <param name="BytesReceived">Bytes received, headers included.</param>
/// <param name="BusyTime">Time spent working (reading and decoding symbols, sending the result), not waiting.</param>
internal sealed record ResponderRunStats(PartyName Party, long SymbolsReceived, int Exchanges, long BytesSent, long BytesReceived, TimeSpan BusyTime);
