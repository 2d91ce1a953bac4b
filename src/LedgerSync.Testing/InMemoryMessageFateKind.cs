namespace LedgerSync.Testing;

/// <summary>The kinds of <see cref="InMemoryMessageFate"/>.</summary>
public enum InMemoryMessageFateKind
{
    /// <summary>Delivered unchanged.</summary>
    Deliver,

    /// <summary>Lost.</summary>
    Drop,

    /// <summary>Delivered with other bytes.</summary>
    Replace,

    /// <summary>Delivered late.</summary>
    Delay,

    /// <summary>Lost, with every later message in the same direction.</summary>
    Stall,

    /// <summary>The session is killed.</summary>
    KillSession,
}
