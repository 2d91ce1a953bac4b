using System.Collections.Immutable;

namespace LedgerSync.Ledger;

/// <summary>
/// Interns parties (to small integers) and participant sets (sorted arrays of party indices) so that a transaction
/// stores its participants as one integer. Ledgers have few parties and far fewer distinct participant sets than
/// transactions. Not thread-safe: the graph serializes access.
/// </summary>
internal sealed class ParticipantSetTable
{
    private const int MaxCachedInstances = 4096;

    private readonly Dictionary<PartyName, int> _parties = [];

    // Sources usually hand the same PartyName instances again and again: find those by reference first (cheap), and
    // by value (hashing the name) only for instances not seen before. Bounded, in case every record brings new ones.
    private readonly Dictionary<PartyName, int> _instances = new(ReferenceEqualityComparer.Instance);
    private readonly List<PartyName> _partyNames = [];
    private readonly Dictionary<string, int> _setIndex = new(StringComparer.Ordinal);
    private readonly List<int[]> _sets = [];
    private int[] _scratch = new int[8];

    public int PartyCount => _partyNames.Count;

    public int SetCount => _sets.Count;

    public ReadOnlySpan<int> GetSet(int set) => _sets[set];

    public PartyName GetParty(int party) => _partyNames[party];

    /// <summary>The index of <paramref name="party"/>, or -1 if no transaction names it.</summary>
    public int FindParty(PartyName party) => _parties.TryGetValue(party, out var index) ? index : -1;

    public bool Contains(int set, int party) => party >= 0 && Array.BinarySearch(_sets[set], party) >= 0;

    public int Intern(ImmutableArray<PartyName> participants)
    {
        var count = participants.IsDefault ? 0 : participants.Length;
        if (_scratch.Length < count)
        {
            _scratch = new int[count * 2];
        }

        for (var i = 0; i < count; i++)
        {
            var party = participants[i];
            if (!_instances.TryGetValue(party, out var index))
            {
                if (!_parties.TryGetValue(party, out index))
                {
                    index = _partyNames.Count;
                    _parties.Add(party, index);
                    _partyNames.Add(party);
                }

                if (_instances.Count < MaxCachedInstances)
                {
                    _instances.Add(party, index);
                }
            }

            _scratch[i] = index;
        }

        var span = _scratch.AsSpan(0, count);
        span.Sort();
        var distinct = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (i == 0 || span[i] != span[distinct - 1])
            {
                span[distinct++] = span[i];
            }
        }

        span = span[..distinct];

        // The key of a set is its sorted party indices as chars (two per index), looked up without allocating.
        var keyLength = span.Length * 2;
        var key = keyLength <= 256 ? stackalloc char[keyLength] : new char[keyLength];
        for (var i = 0; i < span.Length; i++)
        {
            key[2 * i] = (char)(span[i] & 0xFFFF);
            key[(2 * i) + 1] = (char)(span[i] >> 16);
        }

        var lookup = _setIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key, out var setIndex))
        {
            setIndex = _sets.Count;
            lookup[key] = setIndex;
            _sets.Add(span.ToArray());
        }

        return setIndex;
    }
}
