using LedgerSync.Sketches;

namespace LedgerSync.Tests.Sketches;

/// <summary>Builds pairs of ID sets with a known difference for sketch tests.</summary>
internal static class SketchTestSets
{
    public static TransactionId[] RandomIds(Random random, int count)
    {
        var ids = new TransactionId[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = TransactionId.Random(random);
        }

        return ids;
    }

    public static RatelessEncoder Encoder(SketchKey key, IEnumerable<TransactionId> ids, int prefixLength = RatelessEncoder.DefaultPrefixLength)
    {
        var encoder = new RatelessEncoder(key, prefixLength);
        foreach (var id in ids)
        {
            encoder.Add(id);
        }

        return encoder;
    }

    /// <summary>Streams the remote encoder's symbols to a decoder in batches until it decodes or <paramref name="maxSymbols"/> were sent.</summary>
    public static RatelessDecoder Reconcile(RatelessEncoder remote, RatelessEncoder local, Random random, int maxSymbols, int maxBatch = 8)
    {
        var decoder = new RatelessDecoder(local, remote.Count);
        var buffer = new CodedSymbol[maxBatch];
        while (!decoder.IsDecoded && decoder.SymbolsReceived < maxSymbols)
        {
            var batch = buffer.AsSpan(0, random.Next(1, maxBatch + 1));
            var first = decoder.SymbolsReceived;
            remote.CopySymbols(first, batch);
            decoder.AddRemoteSymbols(first, batch);
        }

        return decoder;
    }
}
