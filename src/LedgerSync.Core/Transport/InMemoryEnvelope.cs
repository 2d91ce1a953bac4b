namespace LedgerSync.Transport;

/// <summary>A message in flight on an in-memory session, with the time it may be delivered.</summary>
internal readonly record struct InMemoryEnvelope(byte[] Payload, DateTimeOffset DeliverAt);
