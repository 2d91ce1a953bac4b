namespace LedgerSync.Sketches;

/// <summary>
/// The 8-byte keyed short ID of a transaction ID (protocol versions 4 and 5): the keyed hash of the ID under the run's sketch
/// key, held as a <see cref="TransactionId"/> whose other three words are zero, so the sketch, the estimator and the
/// decoder work on short IDs unchanged. Two IDs of one set share a short ID with probability about n²/2^65 (3·10^-8
/// for a million IDs); a run that meets such a pair fails with a typed error and reports nothing wrong.
/// </summary>
internal static class ShortIds
{
    /// <summary>The short ID of <paramref name="id"/> under <paramref name="key"/>.</summary>
    public static TransactionId Of(in SketchKey key, in TransactionId id) => new(SymbolMapping.Hash(key, id), 0, 0, 0);

    /// <summary>The short IDs of <paramref name="ids"/>, in the same order.</summary>
    public static TransactionId[] Of(in SketchKey key, ReadOnlySpan<TransactionId> ids)
    {
        var result = GC.AllocateUninitializedArray<TransactionId>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            result[i] = new TransactionId(SymbolMapping.Hash(key, ids[i]), 0, 0, 0);
        }

        return result;
    }
}
