namespace LedgerSync.Transport;

/// <summary>What an <see cref="InMemoryNetwork"/> does with one message, as its send tap decides.</summary>
internal enum InMemoryDeliveryKind
{
    /// <summary>Delivered unchanged (after the network's latency).</summary>
    Deliver,

    /// <summary>Lost; later messages are delivered.</summary>
    Drop,

    /// <summary>Delivered with <see cref="InMemoryDelivery.Replacement"/> instead of the bytes sent.</summary>
    Replace,

    /// <summary>Delivered <see cref="InMemoryDelivery.Delay"/> later than the latency alone would.</summary>
    Delay,

    /// <summary>Lost, with every later message in the same direction; the session stays open.</summary>
    Stall,

    /// <summary>The session is killed for both ends.</summary>
    KillSession,
}
