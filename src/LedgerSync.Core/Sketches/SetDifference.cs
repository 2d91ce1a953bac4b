namespace LedgerSync.Sketches;

/// <summary>The decoded difference between a remote set and the local set.</summary>
internal sealed class SetDifference
{
    internal SetDifference(TransactionId[] remoteOnly, TransactionId[] localOnly, long symbolsUsed)
    {
        RemoteOnly = Array.AsReadOnly(remoteOnly);
        LocalOnly = Array.AsReadOnly(localOnly);
        SymbolsUsed = symbolsUsed;
    }

    /// <summary>The IDs the remote side has and the local side lacks.</summary>
    public IReadOnlyList<TransactionId> RemoteOnly { get; }

    /// <summary>The IDs the local side has and the remote side lacks.</summary>
    public IReadOnlyList<TransactionId> LocalOnly { get; }

    /// <summary>The number of differences (both directions).</summary>
    public int Count => RemoteOnly.Count + LocalOnly.Count;

    /// <summary>How many coded symbols the decoder consumed to reach this result.</summary>
    public long SymbolsUsed { get; }
}
