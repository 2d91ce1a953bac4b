using System.Numerics;

namespace LedgerSync.Ledger;

/// <summary>
/// An open-addressing hash index (linear probing) from transaction ID to node index. Slots hold <c>index + 1</c>
/// (0 is empty); the IDs themselves stay in the node array, so the index costs 4 bytes per slot. Not thread-safe:
/// the graph serializes access.
/// </summary>
internal sealed class TransactionIndex
{
    private const double MaxLoad = 0.7;

    private readonly ChunkedArray<TransactionEntry> _entries;
    private int[] _slots;
    private int _bits;
    private int _count;

    public TransactionIndex(ChunkedArray<TransactionEntry> entries)
    {
        _entries = entries;
        _bits = 10;
        _slots = new int[1 << _bits];
    }

    public long AllocatedBytes => (long)_slots.Length * sizeof(int);

    public int Find(in TransactionId id)
    {
        var mask = _slots.Length - 1;
        var slot = Hash(id, _bits);
        while (true)
        {
            var value = _slots[slot];
            if (value == 0)
            {
                return -1;
            }

            if (_entries[value - 1].Id.Equals(id))
            {
                return value - 1;
            }

            slot = (slot + 1) & mask;
        }
    }

    /// <summary>Adds a node index whose ID is known to be absent from the index.</summary>
    public void Add(in TransactionId id, int index)
    {
        if (_count + 1 > _slots.Length * MaxLoad)
        {
            Grow();
        }

        Insert(_slots, _bits, id, index);
        _count++;
    }

    private void Grow()
    {
        var bits = _bits + 1;
        var slots = new int[1 << bits];
        foreach (var value in _slots)
        {
            if (value != 0)
            {
                Insert(slots, bits, _entries[value - 1].Id, value - 1);
            }
        }

        _slots = slots;
        _bits = bits;
    }

    private static void Insert(int[] slots, int bits, in TransactionId id, int index)
    {
        var mask = slots.Length - 1;
        var slot = Hash(id, bits);
        while (slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        slots[slot] = index + 1;
    }

    // IDs are usually hashes, but tests and hosts may use structured IDs: mix all four words (Fibonacci hashing).
    private static int Hash(in TransactionId id, int bits) =>
        (int)((id.Word0 ^ BitOperations.RotateLeft(id.Word1, 16) ^ BitOperations.RotateLeft(id.Word2, 32) ^ BitOperations.RotateLeft(id.Word3, 48))
            * 0x9E3779B97F4A7C15UL >> (64 - bits));
}
