using LedgerSync.Transport;

namespace LedgerSync.Testing;

/// <summary>
/// What one node sent to another over an <see cref="InMemoryNetwork"/>: every message handed to the network, whether
/// it was then delivered, replaced, dropped or stalled. Read with <see cref="InMemoryNetworkTestingExtensions.GetTraffic"/>.
/// </summary>
/// <param name="Messages">The number of messages.</param>
/// <param name="Bytes">The number of bytes the sender passed, every byte of every message.</param>
public readonly record struct InMemoryTraffic(long Messages, long Bytes);
