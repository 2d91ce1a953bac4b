using System.Numerics;

namespace LedgerSync.Ledger;

/// <summary>
/// An open-addressing hash index (linear probing) from transaction ID to node index. Each 8-byte slot holds the top
/// 32 bits of the ID's hash (a fingerprint that also gives the slot's home position) and <c>index + 1</c> (0 is
/// empty), so probing and growing rarely touch the node array; the IDs themselves stay in the node array. Not
/// thread-safe: the graph serializes access.
/// </summary>
internal sealed class TransactionIndex
{
    private const double MaxLoad = 0.7;

    private readonly ChunkedArray<TransactionEntry> _entries;
    private ulong[] _slots;
    private int _bits;
    private int _count;
    private int _growAt;

    public TransactionIndex(ChunkedArray<TransactionEntry> entries)
    {
        _entries = entries;
        _bits = 10;
        _slots = new ulong[1 << _bits];
        _growAt = (int)(_slots.Length * MaxLoad);
    }

    public long AllocatedBytes => (long)_slots.Length * sizeof(ulong);

    public int Find(in TransactionId id)
    {
        var fingerprint = Fingerprint(id);
        var mask = _slots.Length - 1;
        var slot = (int)(fingerprint >> (32 - _bits)) & mask;
        var tag = (ulong)fingerprint << 32;
        while (true)
        {
            var value = _slots[slot];
            if (value == 0)
            {
                return -1;
            }

            if ((value & 0xFFFF_FFFF_0000_0000UL) == tag)
            {
                var index = (int)(uint)value - 1;
                if (_entries[index].Id.Equals(id))
                {
                    return index;
                }
            }

            slot = (slot + 1) & mask;
        }
    }

    /// <summary>Adds a node index whose ID is known to be absent from the index.</summary>
    public void Add(in TransactionId id, int index)
    {
        if (_count >= _growAt)
        {
            Grow();
        }

        var fingerprint = Fingerprint(id);
        Insert(_slots, _bits, ((ulong)fingerprint << 32) | (uint)(index + 1));
        _count++;
    }

    private void Grow()
    {
        if (_bits >= 32)
        {
            throw new InvalidOperationException("The ledger graph's index is full.");
        }

        var bits = _bits + 1;
        var slots = new ulong[1 << bits];
        foreach (var value in _slots)
        {
            if (value != 0)
            {
                Insert(slots, bits, value);
            }
        }

        _slots = slots;
        _bits = bits;
        _growAt = (int)Math.Min(int.MaxValue, slots.Length * MaxLoad);
    }

    private static void Insert(ulong[] slots, int bits, ulong value)
    {
        var mask = slots.Length - 1;
        var slot = (int)((uint)(value >> 32) >> (32 - bits)) & mask;
        while (slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        slots[slot] = value;
    }

    // IDs are usually hashes, but tests and hosts may use structured IDs: mix all four words (Fibonacci hashing).
    // Never 0, so that a slot holding the fingerprint is never mistaken for an empty one.
    private static uint Fingerprint(in TransactionId id)
    {
        var mixed = (id.Word0 ^ BitOperations.RotateLeft(id.Word1, 16) ^ BitOperations.RotateLeft(id.Word2, 32) ^ BitOperations.RotateLeft(id.Word3, 48))
            * 0x9E3779B97F4A7C15UL;
        return (uint)(mixed >> 32) | 1;
    }
}
