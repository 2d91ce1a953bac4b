namespace LedgerSync.Transport;

/// <summary>What one node sent to another over an <see cref="InMemoryNetwork"/> (every message handed to the network, delivered or not).</summary>
/// <param name="Messages">The number of messages.</param>
/// <param name="Bytes">The number of bytes, every byte of every message.</param>
public readonly record struct InMemoryTraffic(long Messages, long Bytes);
