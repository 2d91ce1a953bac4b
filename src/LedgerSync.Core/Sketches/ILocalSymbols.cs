namespace LedgerSync.Sketches;

/// <summary>What a <see cref="RatelessDecoder"/> needs of the local set: its symbols and its membership.</summary>
internal interface ILocalSymbols
{
    /// <summary>The key of every hash.</summary>
    SketchKey Key { get; }

    /// <summary>The number of IDs in the set.</summary>
    int Count { get; }

    /// <summary>Changes with every change of the set (a fixed set never changes it).</summary>
    long Version { get; }

    /// <summary>Copies the symbols from <paramref name="firstIndex"/> on into <paramref name="destination"/>.</summary>
    void CopySymbols(long firstIndex, Span<CodedSymbol> destination);

    /// <summary>Tells whether <paramref name="id"/> is in the set.</summary>
    bool Contains(TransactionId id);
}
