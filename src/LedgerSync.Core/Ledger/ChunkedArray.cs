namespace LedgerSync.Ledger;

/// <summary>
/// A growable array of structs stored in fixed-size chunks, so that growing never copies the existing elements and
/// never allocates one huge block (no large-object-heap reallocation spikes at millions of elements).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class ChunkedArray<T>
    where T : struct
{
    private readonly int _shift;
    private readonly int _mask;
    private T[][] _chunks = [];
    private int _chunkCount;

    public ChunkedArray(int chunkShift)
    {
        _shift = chunkShift;
        _mask = (1 << chunkShift) - 1;
    }

    /// <summary>The number of elements one chunk holds.</summary>
    public int ChunkSize => _mask + 1;

    /// <summary>The number of elements that can be addressed without growing.</summary>
    public long Capacity => (long)_chunkCount << _shift;

    /// <summary>The bytes held by the chunks (for diagnostics).</summary>
    public long AllocatedBytes => Capacity * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    public ref T this[int index] => ref _chunks[index >> _shift][index & _mask];

    /// <summary>A span over <paramref name="count"/> elements from <paramref name="index"/>, which must not cross a chunk boundary.</summary>
    public Span<T> Slice(int index, int count) => _chunks[index >> _shift].AsSpan(index & _mask, count);

    /// <summary>Makes sure elements <c>0 .. count-1</c> can be addressed.</summary>
    public void EnsureCapacity(long count)
    {
        while (Capacity < count)
        {
            if (_chunkCount == _chunks.Length)
            {
                Array.Resize(ref _chunks, Math.Max(4, _chunks.Length * 2));
            }

            _chunks[_chunkCount++] = new T[_mask + 1];
        }
    }
}
